#pragma once

#include "net/transfer/byte_ranges.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace hive::net {

/// What a request's `Range` header asks of a body of known size.
struct range_request {
  enum class kind {
    /// No `Range`: the whole body, `200`.
    whole,
    /// One satisfiable range, `206` with `span`.
    part,
    /// A range that starts at or past the end (or asks for no bytes): `416`.
    unsatisfiable,
    /// Not one byte range we read (another unit, several ranges, last before first).
    invalid,
  };
  kind what = kind::whole;
  /// For `part`: the bytes to send, `[begin, end)`, within the body.
  byte_span span;
};

/// Reads `header` (`bytes=FIRST-LAST`, `bytes=FIRST-` or `bytes=-SUFFIX`, as
/// RFC 9110 writes them; one range only) against a body of `size` bytes. A
/// last byte past the end means the end.
range_request parse_range(std::string_view header, std::uint64_t size);

/// `bytes FIRST-LAST/SIZE` for a `206`'s `Content-Range`.
std::string content_range(byte_span span, std::uint64_t size);

} // namespace hive::net
