#include "net/xet/xet_hash.hpp"

#include <blake3.h>

#include <algorithm>
#include <vector>

namespace hive::net::xet {

namespace {

using key = std::array<std::uint8_t, 32>;

// The keys of the Xet specification's "Hashing" page (xet-core's
// merklehash/data_hash.rs): distinct keys keep a chunk, a merkle node and a
// file id from ever colliding with each other.
constexpr key data_key{102, 151, 245, 119, 91,  149, 80,  222, 49,  53,  203,
                       172, 165, 151, 24,  28,  157, 228, 33,  16,  155, 235,
                       43,  88,  180, 208, 176, 75,  147, 173, 242, 41};
constexpr key internal_node_key{1,   126, 197, 199, 165, 71,  41,  150, 253, 148, 102,
                                102, 180, 138, 2,   230, 93,  221, 83,  111, 55,  199,
                                109, 210, 248, 99,  82,  230, 74,  83,  113, 63};
constexpr key zero_key{};

xet_hash keyed_hash(const key& k, const void* data, std::size_t size) {
  blake3_hasher hasher;
  blake3_hasher_init_keyed(&hasher, k.data());
  blake3_hasher_update(&hasher, data, size);
  xet_hash out;
  blake3_hasher_finalize(&hasher, out.bytes.data(), out.bytes.size());
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// How many children the next internal node takes from the front of `level`
// (xet-core's next_merge_cut): a cut after a child whose hash is 0 mod 4, so
// four on average, never fewer than 3 unless fewer are left, at most 9.
std::size_t next_cut(std::span<const chunk_ref> level) {
  constexpr std::size_t max_children = 9;
  if (level.size() <= 2)
    return level.size();
  auto end = std::min(max_children, level.size());
  for (std::size_t i = 2; i < end; ++i)
    // The hash as a number is its last quarter read little-endian, so its
    // value mod 4 sits in byte 24.
    if ((level[i].hash.bytes[24] & 3) == 0)
      return i + 1;
  return end;
}

chunk_ref merge(std::span<const chunk_ref> children) {
  std::string text;
  text.reserve(children.size() * 90);
  std::uint64_t size = 0;
  for (const auto& child : children) {
    text += to_string(child.hash);
    text += " : ";
    text += std::to_string(child.size);
    text += '\n';
    size += child.size;
  }
  return {internal_node_hash(text), size};
}

} // namespace

std::string to_string(const xet_hash& hash) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (std::size_t quarter = 0; quarter < 4; ++quarter)
    for (std::size_t i = 0; i < 8; ++i) {
      // Little-endian: the quarter's last byte is printed first.
      auto byte = hash.bytes[quarter * 8 + 7 - i];
      out[quarter * 16 + 2 * i] = digits[byte >> 4];
      out[quarter * 16 + 2 * i + 1] = digits[byte & 0xf];
    }
  return out;
}

std::optional<xet_hash> parse_xet_hash(std::string_view hex64) {
  if (hex64.size() != 64)
    return std::nullopt;
  xet_hash out;
  for (std::size_t quarter = 0; quarter < 4; ++quarter)
    for (std::size_t i = 0; i < 8; ++i) {
      auto high = hex_value(hex64[quarter * 16 + 2 * i]);
      auto low = hex_value(hex64[quarter * 16 + 2 * i + 1]);
      if (high < 0 || low < 0)
        return std::nullopt;
      out.bytes[quarter * 8 + 7 - i] = static_cast<std::uint8_t>(high << 4 | low);
    }
  return out;
}

xet_hash chunk_hash(std::span<const std::uint8_t> data) {
  return keyed_hash(data_key, data.data(), data.size());
}

xet_hash internal_node_hash(std::string_view text) {
  return keyed_hash(internal_node_key, text.data(), text.size());
}

xet_hash xorb_hash(std::span<const chunk_ref> chunks) {
  if (chunks.empty())
    return {};
  std::vector<chunk_ref> level(chunks.begin(), chunks.end());
  while (level.size() > 1) {
    // Merging in place is safe: a node is written at or before the first
    // child it was read from.
    std::size_t written = 0;
    for (std::size_t read = 0; read < level.size();) {
      auto span = std::span<const chunk_ref>(level).subspan(read);
      auto take = next_cut(span);
      level[written++] = merge(span.first(take));
      read += take;
    }
    level.resize(written);
  }
  return level.front().hash;
}

xet_hash file_hash(std::span<const chunk_ref> chunks) {
  if (chunks.empty())
    return {};
  auto root = xorb_hash(chunks);
  return keyed_hash(zero_key, root.bytes.data(), root.bytes.size());
}

} // namespace hive::net::xet
