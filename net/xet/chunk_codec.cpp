#include "net/xet/chunk_codec.hpp"

#include <lz4frame.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace hive::net::xet {

namespace {

class chunk_category_impl : public std::error_category {
public:
  const char* name() const noexcept override {
    return "xet chunk";
  }
  std::string message(int value) const override {
    switch (static_cast<chunk_errc>(value)) {
      case chunk_errc::truncated:
        return "the chunk ends before its stated size";
      case chunk_errc::xorb_footer:
        return "a xorb footer where a chunk header was expected";
      case chunk_errc::bad_version:
        return "unknown chunk header version";
      case chunk_errc::bad_scheme:
        return "unknown chunk compression scheme";
      case chunk_errc::bad_size:
        return "chunk sizes over the spec's bounds or inconsistent";
      case chunk_errc::corrupt_payload:
        return "the chunk does not decode to its stated size";
      case chunk_errc::too_many_chunks:
        return "more bytes than the chunks of the range";
      case chunk_errc::too_few_chunks:
        return "fewer chunks than the range holds";
    }
    return "unknown xet chunk error";
  }
};

std::uint32_t read_u24(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16;
}

void write_u24(std::uint8_t* p, std::size_t value) {
  p[0] = static_cast<std::uint8_t>(value);
  p[1] = static_cast<std::uint8_t>(value >> 8);
  p[2] = static_cast<std::uint8_t>(value >> 16);
}

struct lz4_decompressor_deleter {
  void operator()(LZ4F_dctx* ctx) const {
    LZ4F_freeDecompressionContext(ctx);
  }
};

// Decodes exactly one LZ4 frame that fills `out` exactly: a frame that ends
// early, runs past `out`, or leaves input over is corrupt.
std::error_code lz4_decode(std::span<const std::uint8_t> frame, std::span<std::uint8_t> out) {
  LZ4F_dctx* raw_ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw_ctx, LZ4F_VERSION)))
    throw std::bad_alloc();
  std::unique_ptr<LZ4F_dctx, lz4_decompressor_deleter> ctx(raw_ctx);
  std::size_t in = 0;
  std::size_t written = 0;
  std::size_t hint = 1;
  while (hint != 0) {
    auto in_size = frame.size() - in;
    auto out_size = out.size() - written;
    hint = LZ4F_decompress(ctx.get(), out.data() + written, &out_size, frame.data() + in, &in_size,
                           nullptr);
    if (LZ4F_isError(hint))
      return chunk_errc::corrupt_payload;
    in += in_size;
    written += out_size;
    // Neither side moved: the frame wants more input than there is, or more
    // room than the stated size.
    if (hint != 0 && in_size == 0 && out_size == 0)
      return chunk_errc::corrupt_payload;
  }
  if (in != frame.size() || written != out.size())
    return chunk_errc::corrupt_payload;
  return {};
}

std::vector<std::uint8_t> lz4_encode(std::span<const std::uint8_t> raw) {
  std::vector<std::uint8_t> frame(LZ4F_compressFrameBound(raw.size(), nullptr));
  auto size = LZ4F_compressFrame(frame.data(), frame.size(), raw.data(), raw.size(), nullptr);
  if (LZ4F_isError(size))
    throw std::runtime_error(std::string("LZ4 compression failed: ") + LZ4F_getErrorName(size));
  frame.resize(size);
  return frame;
}

// The size of group k of n bytes: the first n % 4 groups take one byte more.
std::size_t group_size(std::size_t n, std::size_t k) {
  return n / 4 + (k < n % 4 ? 1 : 0);
}

} // namespace

const std::error_category& chunk_category() {
  static const chunk_category_impl category;
  return category;
}

std::error_code make_error_code(chunk_errc e) {
  return {static_cast<int>(e), chunk_category()};
}

std::error_code parse_chunk_header(std::span<const std::uint8_t, chunk_header_size> bytes,
                                   chunk_header& out) {
  static constexpr char footer_ident[] = "XETBLOB";
  if (std::memcmp(bytes.data(), footer_ident, sizeof footer_ident - 1) == 0)
    return chunk_errc::xorb_footer;
  chunk_header h;
  h.version = bytes[0];
  h.compressed_size = read_u24(bytes.data() + 1);
  h.scheme = static_cast<compression_scheme>(bytes[4]);
  h.uncompressed_size = read_u24(bytes.data() + 5);
  if (h.version != 0)
    return chunk_errc::bad_version;
  if (bytes[4] > static_cast<std::uint8_t>(compression_scheme::bg4_lz4))
    return chunk_errc::bad_scheme;
  if (h.uncompressed_size > max_chunk_size || h.compressed_size > max_compressed_size)
    return chunk_errc::bad_size;
  if (h.scheme == compression_scheme::none && h.compressed_size != h.uncompressed_size)
    return chunk_errc::bad_size;
  out = h;
  return {};
}

std::error_code decode_chunk(const chunk_header& header, std::span<const std::uint8_t> payload,
                             std::vector<std::uint8_t>& out) {
  if (payload.size() < header.compressed_size)
    return chunk_errc::truncated;
  if (payload.size() > header.compressed_size)
    return chunk_errc::corrupt_payload;
  out.resize(header.uncompressed_size);
  switch (header.scheme) {
    case compression_scheme::none:
      // A header not made by parse_chunk_header may disagree with itself.
      if (payload.size() != out.size())
        return chunk_errc::bad_size;
      std::copy(payload.begin(), payload.end(), out.begin());
      return {};
    case compression_scheme::lz4:
      return lz4_decode(payload, out);
    case compression_scheme::bg4_lz4: {
      std::vector<std::uint8_t> grouped(header.uncompressed_size);
      if (auto ec = lz4_decode(payload, grouped))
        return ec;
      bg4_regroup(grouped, out);
      return {};
    }
  }
  return chunk_errc::bad_scheme;
}

void bg4_split(std::span<const std::uint8_t> raw, std::span<std::uint8_t> out) {
  std::size_t at = 0;
  for (std::size_t k = 0; k < 4; ++k)
    for (std::size_t i = k; i < raw.size(); i += 4)
      out[at++] = raw[i];
}

void bg4_regroup(std::span<const std::uint8_t> grouped, std::span<std::uint8_t> out) {
  std::size_t at = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    auto size = group_size(grouped.size(), k);
    for (std::size_t i = 0; i < size; ++i)
      out[k + 4 * i] = grouped[at + i];
    at += size;
  }
}

std::vector<std::uint8_t> encode_chunk(std::span<const std::uint8_t> raw,
                                       compression_scheme scheme) {
  if (raw.size() > max_chunk_size)
    throw std::length_error("a xet chunk holds at most 128 KiB");
  std::vector<std::uint8_t> payload;
  switch (scheme) {
    case compression_scheme::none:
      payload.assign(raw.begin(), raw.end());
      break;
    case compression_scheme::lz4:
      payload = lz4_encode(raw);
      break;
    case compression_scheme::bg4_lz4: {
      std::vector<std::uint8_t> grouped(raw.size());
      bg4_split(raw, grouped);
      payload = lz4_encode(grouped);
      break;
    }
  }
  std::vector<std::uint8_t> chunk(chunk_header_size + payload.size());
  chunk[0] = 0;
  write_u24(chunk.data() + 1, payload.size());
  chunk[4] = static_cast<std::uint8_t>(scheme);
  write_u24(chunk.data() + 5, raw.size());
  std::copy(payload.begin(), payload.end(), chunk.begin() + chunk_header_size);
  return chunk;
}

} // namespace hive::net::xet
