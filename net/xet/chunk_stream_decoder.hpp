#pragma once

#include "net/xet/chunk_codec.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <system_error>
#include <vector>

namespace hive::net::xet {

/// Decodes a fetched xorb range that arrives in pieces of any size. It holds
/// at most one chunk, whatever the range's length.
class chunk_stream_decoder {
public:
  /// Called per chunk, in order: its index in the xorb, its stored bytes
  /// (header and payload) and its decoded bytes. An error stops the decoding.
  using on_chunk =
      std::function<std::error_code(std::uint32_t index, std::span<const std::uint8_t> raw,
                                    std::span<const std::uint8_t> decoded)>;

  /// The range holds the chunks `[first_index, end_index)`.
  chunk_stream_decoder(std::uint32_t first_index, std::uint32_t end_index);

  std::error_code feed(std::span<const std::uint8_t> bytes, const on_chunk& emit);
  /// After the last piece: every chunk came, and no byte is left over.
  std::error_code finish() const;

private:
  std::error_code emit_chunk(const chunk_header& header, std::span<const std::uint8_t> raw,
                             const on_chunk& emit);

  std::uint32_t next_index_;
  std::uint32_t end_index_;
  std::vector<std::uint8_t> pending_;
  /// The whole length of the chunk in `pending_`, once its header is read.
  std::size_t pending_size_ = 0;
  chunk_header pending_header_;
  std::vector<std::uint8_t> decoded_;
  std::error_code failed_;
};

} // namespace hive::net::xet
