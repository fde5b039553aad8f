#pragma once

#include <caf/meta/type_name.hpp>

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace hive {

/// What a hive has of a blob named by its sha256: the answer to the
/// cluster's "do you hold or are you fetching it?" (actors/node/blob_locator.hpp).
struct blob_presence {
  /// Stable numbers: the answer crosses to other hives.
  enum class holding : std::uint8_t {
    /// Neither in the catalog nor under way.
    none = 0,
    /// A whole, verified file: every range can be served at once.
    complete = 1,
    /// A transfer is writing it: what has landed is served at once, the rest
    /// as it lands.
    fetching = 2,
  };
  holding state = holding::none;
  /// The blob's size in bytes (for `fetching`, the size it will have).
  std::uint64_t size = 0;
  /// Bytes that can be served at once: all of them when `complete`, those
  /// landed so far (in any order) when `fetching`.
  std::uint64_t landed = 0;
  /// For `fetching`: whether that transfer takes its bytes from the origin
  /// (rather than from other hives).
  bool from_origin = false;
  /// For `fetching`: whether that hive is still asking the others which to
  /// take it from, so `from_origin` may still turn false (blob_mirrors.hpp).
  bool deciding = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, blob_presence& x) {
  return f(caf::meta::type_name("blob_presence"), x.state, x.size, x.landed, x.from_origin,
           x.deciding);
}

/// Whether `text` names a blob: its sha256 in 64 lower-case hex digits (as
/// `GET /v1/blobs/sha256/<hex>` and the cluster's `blob_atom` take it).
inline bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

} // namespace hive
