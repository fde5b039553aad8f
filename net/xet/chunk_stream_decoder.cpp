#include "net/xet/chunk_stream_decoder.hpp"

#include <algorithm>

namespace hive::net::xet {

chunk_stream_decoder::chunk_stream_decoder(std::uint32_t first_index, std::uint32_t end_index)
  : next_index_(first_index), end_index_(end_index) {
}

std::error_code chunk_stream_decoder::feed(std::span<const std::uint8_t> bytes,
                                           const on_chunk& emit) {
  if (failed_)
    return failed_;
  auto fail = [this](std::error_code ec) { return failed_ = ec; };
  while (!bytes.empty()) {
    if (next_index_ == end_index_)
      return fail(chunk_errc::too_many_chunks);
    // The common case, a whole chunk in this piece, is decoded where it lies.
    if (pending_.empty() && bytes.size() >= chunk_header_size) {
      chunk_header header;
      if (auto ec = parse_chunk_header(bytes.first<chunk_header_size>(), header))
        return fail(ec);
      auto whole = chunk_header_size + header.compressed_size;
      if (bytes.size() >= whole) {
        if (auto ec = emit_chunk(header, bytes.first(whole), emit))
          return fail(ec);
        bytes = bytes.subspan(whole);
        continue;
      }
    }
    // Otherwise the chunk is gathered: its header first, then its payload.
    auto target = pending_size_ != 0 ? pending_size_ : chunk_header_size;
    auto take = std::min(target - pending_.size(), bytes.size());
    pending_.insert(pending_.end(), bytes.begin(),
                    bytes.begin() + static_cast<std::ptrdiff_t>(take));
    bytes = bytes.subspan(take);
    if (pending_size_ == 0 && pending_.size() == chunk_header_size) {
      if (auto ec = parse_chunk_header(
              std::span<const std::uint8_t, chunk_header_size>(pending_.data(), chunk_header_size),
              pending_header_))
        return fail(ec);
      pending_size_ = chunk_header_size + pending_header_.compressed_size;
    }
    if (pending_size_ != 0 && pending_.size() == pending_size_) {
      if (auto ec = emit_chunk(pending_header_, pending_, emit))
        return fail(ec);
      pending_.clear();
      pending_size_ = 0;
    }
  }
  return {};
}

std::error_code chunk_stream_decoder::finish() const {
  if (failed_)
    return failed_;
  if (!pending_.empty())
    return chunk_errc::truncated;
  if (next_index_ != end_index_)
    return chunk_errc::too_few_chunks;
  return {};
}

std::error_code chunk_stream_decoder::emit_chunk(const chunk_header& header,
                                                 std::span<const std::uint8_t> raw,
                                                 const on_chunk& emit) {
  if (auto ec = decode_chunk(header, raw.subspan(chunk_header_size), decoded_))
    return ec;
  return emit(next_index_++, raw, decoded_);
}

} // namespace hive::net::xet
