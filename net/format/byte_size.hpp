#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace hive {

/// The longest text `parse_byte_size` reads: more is no size anyone means.
inline constexpr std::size_t max_byte_size_text = 32;

/// A number of bytes as people write it for sizes and rates: digits, an
/// optional fraction of at most 9 digits, and an optional binary unit `K`,
/// `M`, `G` or `T` (either case; 1K = 1024, as curl and aria2c count):
/// `1048576`, `500M`, `1.5G`. A fraction of a byte is dropped. Empty when
/// the text is not such a size or the value does not fit 64 bits.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

} // namespace hive
