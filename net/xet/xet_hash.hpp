#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hive::net::xet {

/// A Xet hash: chunk, xorb and file ids are all 32 bytes (BLAKE3 output).
struct xet_hash {
  std::array<std::uint8_t, 32> bytes{};
  auto operator<=>(const xet_hash&) const = default;
};

/// The spec's string form: each 8-byte quarter is read as a little-endian u64
/// and printed as 16 lower-case hex digits. It is how file ids, xorb names and
/// the children of merkle nodes are written, so it is not the plain hex of the
/// bytes.
std::string to_string(const xet_hash& hash);

/// The inverse of `to_string`: exactly 64 hex digits (either case); nullopt
/// for anything else, such as the Hub's redacted `"*" x 64`.
std::optional<xet_hash> parse_xet_hash(std::string_view hex64);

/// A leaf of a merkle tree: a chunk's hash and its uncompressed length.
struct chunk_ref {
  xet_hash hash;
  std::uint64_t size = 0;
};

/// BLAKE3 keyed with the spec's data key over a chunk's uncompressed bytes.
xet_hash chunk_hash(std::span<const std::uint8_t> data);

/// BLAKE3 keyed with the spec's internal-node key over a node's text.
xet_hash internal_node_hash(std::string_view text);

/// The root of the spec's merkle tree over a xorb's chunks, in xorb order; 32
/// zero bytes for no chunk.
xet_hash xorb_hash(std::span<const chunk_ref> chunks);

/// A file's id: the merkle root over the file's chunks, in file order, hashed
/// once more with a zero key; 32 zero bytes for an empty file.
xet_hash file_hash(std::span<const chunk_ref> chunks);

} // namespace hive::net::xet
