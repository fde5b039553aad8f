// Xet chunks (issue 13): the 8-byte header, the three compression schemes, and
// a fetched xorb range decoded from pieces of any size.

#include "net/xet/chunk_codec.hpp"
#include "net/xet/chunk_stream_decoder.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

using namespace hive::net::xet;
using bytes = std::vector<std::uint8_t>;

namespace {

constexpr compression_scheme all_schemes[] = {compression_scheme::none, compression_scheme::lz4,
                                              compression_scheme::bg4_lz4};

// Float-like content: an exponent byte that repeats every 4 bytes, so byte
// grouping has something to win, and text-like runs for plain LZ4.
bytes sample(std::size_t size) {
  bytes out(size);
  std::uint32_t state = 12345;
  for (std::size_t i = 0; i < size; ++i) {
    state = state * 1103515245 + 12345;
    out[i] = i % 4 == 3 ? 0x3f : static_cast<std::uint8_t>(state >> 24);
  }
  return out;
}

std::error_code decode(std::span<const std::uint8_t> chunk, bytes& out) {
  if (chunk.size() < chunk_header_size)
    return chunk_errc::truncated;
  chunk_header header;
  if (auto ec = parse_chunk_header(chunk.first<chunk_header_size>(), header))
    return ec;
  return decode_chunk(header, chunk.subspan(chunk_header_size), out);
}

bytes header(std::uint8_t version, std::uint32_t compressed, std::uint8_t scheme,
             std::uint32_t uncompressed) {
  return {version,
          static_cast<std::uint8_t>(compressed),
          static_cast<std::uint8_t>(compressed >> 8),
          static_cast<std::uint8_t>(compressed >> 16),
          scheme,
          static_cast<std::uint8_t>(uncompressed),
          static_cast<std::uint8_t>(uncompressed >> 8),
          static_cast<std::uint8_t>(uncompressed >> 16)};
}

} // namespace

TEST(XetChunkCodecTest, HeaderFieldsAreLittleEndianTwentyFourBits) {
  auto raw = header(0, 0x012345, 1, 0x01abcd);
  chunk_header h;
  ASSERT_FALSE(parse_chunk_header(std::span<const std::uint8_t, 8>(raw.data(), 8), h));
  EXPECT_EQ(h.compressed_size, 0x012345u);
  EXPECT_EQ(h.uncompressed_size, 0x01abcdu);
  EXPECT_EQ(h.scheme, compression_scheme::lz4);
}

TEST(XetChunkCodecTest, EverySchemeRoundTripsAtSizesOfEveryRemainderModFour) {
  for (auto scheme : all_schemes)
    for (std::size_t size : {0, 1, 2, 3, 4, 5, 6, 7, 1001, 65536, 65537, 131071, 131072}) {
      auto raw = sample(size);
      auto chunk = encode_chunk(raw, scheme);
      EXPECT_EQ(chunk[4], static_cast<std::uint8_t>(scheme));
      bytes out;
      auto ec = decode(chunk, out);
      EXPECT_FALSE(ec) << ec.message() << ", scheme " << int(scheme) << ", size " << size;
      EXPECT_EQ(out, raw) << "scheme " << int(scheme) << ", size " << size;
    }
}

TEST(XetChunkCodecTest, ByteGroupingPutsEveryFourthByteTogether) {
  bytes raw{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  bytes grouped(raw.size());
  bg4_split(raw, grouped);
  // Groups of 3, 3, 2, 2: the first size % 4 groups take the extra bytes.
  EXPECT_EQ(grouped, (bytes{0, 4, 8, 1, 5, 9, 2, 6, 3, 7}));
  for (std::size_t size = 0; size < 12; ++size) {
    auto in = sample(size);
    bytes split(size), back(size);
    bg4_split(in, split);
    bg4_regroup(split, back);
    EXPECT_EQ(back, in) << size;
  }
}

TEST(XetChunkCodecTest, CompressionActuallyShrinksCompressibleChunks) {
  bytes zeros(65536, 0);
  EXPECT_LT(encode_chunk(zeros, compression_scheme::lz4).size(), 1024u);
  auto floats = sample(65536);
  EXPECT_LT(encode_chunk(floats, compression_scheme::bg4_lz4).size(),
            encode_chunk(floats, compression_scheme::lz4).size());
}

TEST(XetChunkCodecTest, EncodingRefusesMoreThanAChunk) {
  EXPECT_THROW(encode_chunk(bytes(max_chunk_size + 1), compression_scheme::none),
               std::length_error);
}

TEST(XetChunkCodecTest, BadHeadersAreRefusedWithTheirReason) {
  auto check = [](const bytes& raw, chunk_errc expected) {
    chunk_header h;
    EXPECT_EQ(parse_chunk_header(std::span<const std::uint8_t, 8>(raw.data(), 8), h),
              make_error_code(expected))
        << make_error_code(expected).message();
  };
  check(header(1, 4, 0, 4), chunk_errc::bad_version);
  check(header(0, 4, 3, 4), chunk_errc::bad_scheme);
  check(header(0, 4, 99, 4), chunk_errc::bad_scheme);
  check(header(0, 100, 1, max_chunk_size + 1), chunk_errc::bad_size);
  check(header(0, max_compressed_size + 1, 1, 100), chunk_errc::bad_size);
  check(header(0, 5, 0, 4), chunk_errc::bad_size);
  bytes footer{'X', 'E', 'T', 'B', 'L', 'O', 'B', 1};
  check(footer, chunk_errc::xorb_footer);
  // The bounds themselves are accepted.
  chunk_header h;
  auto at_bounds = header(0, max_compressed_size, 2, max_chunk_size);
  EXPECT_FALSE(parse_chunk_header(std::span<const std::uint8_t, 8>(at_bounds.data(), 8), h));
}

TEST(XetChunkCodecTest, APayloadOfTheWrongLengthIsRefused) {
  auto chunk = encode_chunk(sample(1000), compression_scheme::lz4);
  bytes out;
  auto shorter = std::span<const std::uint8_t>(chunk).first(chunk.size() - 1);
  EXPECT_EQ(decode(shorter, out), make_error_code(chunk_errc::truncated));
  auto longer = chunk;
  longer.push_back(0);
  EXPECT_EQ(decode(longer, out), make_error_code(chunk_errc::corrupt_payload));
}

TEST(XetChunkCodecTest, APayloadThatDoesNotDecodeToItsStatedSizeIsRefused) {
  for (auto scheme : {compression_scheme::lz4, compression_scheme::bg4_lz4}) {
    auto raw = sample(5000);
    auto chunk = encode_chunk(raw, scheme);
    bytes out;
    // The header says one byte less, then one byte more, than the frame holds.
    for (std::uint32_t stated : {4999u, 5001u}) {
      auto lying = chunk;
      std::memcpy(lying.data(),
                  header(0, static_cast<std::uint32_t>(chunk.size() - 8),
                         static_cast<std::uint8_t>(scheme), stated)
                      .data(),
                  8);
      EXPECT_EQ(decode(lying, out), make_error_code(chunk_errc::corrupt_payload))
          << int(scheme) << " " << stated;
    }
    // A damaged frame: its magic number.
    auto damaged = chunk;
    damaged[8] ^= 0xff;
    EXPECT_EQ(decode(damaged, out), make_error_code(chunk_errc::corrupt_payload));
    // A frame cut short, with a header that matches the cut.
    auto cut = bytes(chunk.begin(), chunk.end() - 8);
    std::memcpy(cut.data(),
                header(0, static_cast<std::uint32_t>(cut.size() - 8),
                       static_cast<std::uint8_t>(scheme), 5000)
                    .data(),
                8);
    EXPECT_EQ(decode(cut, out), make_error_code(chunk_errc::corrupt_payload));
  }
}

namespace {

struct xorb_range {
  bytes data;
  std::vector<bytes> chunks;
};

// Chunks 10..15 of a xorb, one of each scheme twice over, sizes not multiples of 4.
xorb_range six_chunks() {
  xorb_range r;
  for (std::size_t i = 0; i < 6; ++i) {
    r.chunks.push_back(sample(3000 + 777 * i));
    auto chunk = encode_chunk(r.chunks.back(), all_schemes[i % 3]);
    r.data.insert(r.data.end(), chunk.begin(), chunk.end());
  }
  return r;
}

struct collected {
  std::vector<std::uint32_t> indices;
  std::vector<bytes> decoded;
  bytes raw;
  chunk_stream_decoder::on_chunk sink() {
    return [this](std::uint32_t index, std::span<const std::uint8_t> raw_chunk,
                  std::span<const std::uint8_t> decoded_chunk) {
      indices.push_back(index);
      decoded.emplace_back(decoded_chunk.begin(), decoded_chunk.end());
      raw.insert(raw.end(), raw_chunk.begin(), raw_chunk.end());
      return std::error_code{};
    };
  }
};

} // namespace

TEST(XetChunkCodecTest, StreamDecoderEmitsWholeChunksFromPiecesOfAnySize) {
  auto range = six_chunks();
  for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, range.data.size()}) {
    chunk_stream_decoder decoder(10, 16);
    collected got;
    auto sink = got.sink();
    for (std::size_t at = 0; at < range.data.size(); at += piece) {
      auto n = std::min(piece, range.data.size() - at);
      ASSERT_FALSE(decoder.feed(std::span<const std::uint8_t>(range.data).subspan(at, n), sink))
          << piece;
    }
    EXPECT_FALSE(decoder.finish()) << piece;
    EXPECT_EQ(got.indices, (std::vector<std::uint32_t>{10, 11, 12, 13, 14, 15})) << piece;
    EXPECT_EQ(got.decoded, range.chunks) << piece;
    // The stored bytes come out unchanged: the cache keeps them as the xorb has them.
    EXPECT_EQ(got.raw, range.data) << piece;
  }
}

TEST(XetChunkCodecTest, StreamDecoderRefusesTooFewOrTooManyChunksAndLeftovers) {
  auto range = six_chunks();
  collected got;
  auto sink = got.sink();
  {
    chunk_stream_decoder decoder(10, 17);
    ASSERT_FALSE(decoder.feed(range.data, sink));
    EXPECT_EQ(decoder.finish(), make_error_code(chunk_errc::too_few_chunks));
  }
  {
    chunk_stream_decoder decoder(10, 15);
    EXPECT_EQ(decoder.feed(range.data, sink), make_error_code(chunk_errc::too_many_chunks));
    EXPECT_EQ(decoder.finish(), make_error_code(chunk_errc::too_many_chunks));
  }
  {
    chunk_stream_decoder decoder(10, 16);
    ASSERT_FALSE(
        decoder.feed(std::span<const std::uint8_t>(range.data).first(range.data.size() - 3), sink));
    EXPECT_EQ(decoder.finish(), make_error_code(chunk_errc::truncated));
  }
}

TEST(XetChunkCodecTest, StreamDecoderStopsAtACorruptChunkAndAtTheSinksError) {
  auto range = six_chunks();
  auto corrupt = range.data;
  corrupt[8 + 3000 + 8] ^= 0xff; // the LZ4 frame magic of the second chunk
  collected got;
  chunk_stream_decoder decoder(0, 6);
  EXPECT_EQ(decoder.feed(corrupt, got.sink()), make_error_code(chunk_errc::corrupt_payload));
  EXPECT_EQ(got.indices, (std::vector<std::uint32_t>{0}));

  chunk_stream_decoder refusing(0, 6);
  auto stop = std::make_error_code(std::errc::no_space_on_device);
  EXPECT_EQ(refusing.feed(range.data, [&](auto, auto, auto) { return stop; }), stop);
  EXPECT_EQ(refusing.finish(), stop);
}
