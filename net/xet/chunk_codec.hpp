#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>
#include <type_traits>
#include <vector>

namespace hive::net::xet {

/// How a chunk's payload is stored in a xorb (the spec's "Xorb Format").
enum class compression_scheme : std::uint8_t {
  none = 0,
  /// One LZ4 frame.
  lz4 = 1,
  /// The bytes split into four groups (byte i into group i % 4), then one LZ4
  /// frame: floats compress better with their exponents side by side.
  bg4_lz4 = 2,
};

/// The 8 bytes before each chunk's payload in a xorb.
struct chunk_header {
  std::uint8_t version = 0;
  std::uint32_t compressed_size = 0;
  compression_scheme scheme = compression_scheme::none;
  std::uint32_t uncompressed_size = 0;
};

inline constexpr std::size_t chunk_header_size = 8;
/// The spec's bound on a chunk; xet-core rejects more.
inline constexpr std::size_t max_chunk_size = 128 * 1024;
/// xet-core's bound on a stored payload (room for a chunk LZ4 grows).
inline constexpr std::size_t max_compressed_size = 2 * max_chunk_size;

/// Why bytes from a xorb are not a chunk we accept. Any of them means the
/// fetched range is corrupt (or the server speaks a newer format).
enum class chunk_errc {
  /// The bytes end before the chunk the header announces.
  truncated = 1,
  /// The header begins with `XETBLOB`: that is xet-core's footer, not a chunk.
  xorb_footer,
  /// A header version other than 0.
  bad_version,
  /// A compression scheme other than 0, 1 or 2.
  bad_scheme,
  /// A size over the spec's bounds, or a scheme-0 chunk whose two sizes differ.
  bad_size,
  /// The payload does not decompress, or not to exactly its stated size.
  corrupt_payload,
  /// More bytes than the chunks the range should hold.
  too_many_chunks,
  /// The bytes ended before all the chunks the range should hold.
  too_few_chunks,
};

const std::error_category& chunk_category();
std::error_code make_error_code(chunk_errc e);

/// Reads a chunk header and checks it against the spec's bounds.
std::error_code parse_chunk_header(std::span<const std::uint8_t, chunk_header_size> bytes,
                                   chunk_header& out);

/// Decodes a payload of exactly `header.compressed_size` bytes into `out`,
/// which ends up holding exactly `header.uncompressed_size` bytes.
std::error_code decode_chunk(const chunk_header& header, std::span<const std::uint8_t> payload,
                             std::vector<std::uint8_t>& out);

/// Byte grouping: group k holds bytes k, k+4, k+8...; groups are stored one
/// after another, the first `size % 4` of them one byte longer.
void bg4_split(std::span<const std::uint8_t> raw, std::span<std::uint8_t> out);
/// The inverse of `bg4_split`.
void bg4_regroup(std::span<const std::uint8_t> grouped, std::span<std::uint8_t> out);

/// A whole chunk (header and payload) storing `raw` with `scheme`, even when
/// that does not shrink it: the test CAS stands in for xorbs of every kind.
/// Throws std::length_error for more than `max_chunk_size` bytes.
std::vector<std::uint8_t> encode_chunk(std::span<const std::uint8_t> raw,
                                       compression_scheme scheme);

} // namespace hive::net::xet

template <>
struct std::is_error_code_enum<hive::net::xet::chunk_errc> : std::true_type {};
