#include "net/format/byte_size.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace hive {

namespace {

constexpr std::size_t max_fraction_digits = 9;

/// log2 of the unit a suffix names; -1 for none we know.
int unit_shift(std::string_view suffix) {
  if (suffix.empty())
    return 0;
  if (suffix.size() != 1)
    return -1;
  switch (suffix.front()) {
    case 'K':
    case 'k':
      return 10;
    case 'M':
    case 'm':
      return 20;
    case 'G':
    case 'g':
      return 30;
    case 'T':
    case 't':
      return 40;
    default:
      return -1;
  }
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

} // namespace

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  if (text.empty() || text.size() > max_byte_size_text || !is_digit(text.front()))
    return std::nullopt;
  std::uint64_t whole = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), whole);
  if (ec != std::errc{})
    return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  double fraction = 0;
  if (!text.empty() && text.front() == '.') {
    text.remove_prefix(1);
    std::size_t digits = 0;
    double scale = 0.1;
    for (; digits < text.size() && is_digit(text[digits]); ++digits, scale /= 10)
      fraction += (text[digits] - '0') * scale;
    if (digits == 0 || digits > max_fraction_digits)
      return std::nullopt;
    text.remove_prefix(digits);
  }
  int shift = unit_shift(text);
  if (shift < 0 || whole > (std::numeric_limits<std::uint64_t>::max() >> shift))
    return std::nullopt;
  // Below one unit (< 2^40), so the product is exact enough and cannot overflow.
  auto part = static_cast<std::uint64_t>(std::floor(std::ldexp(fraction, shift)));
  auto value = whole << shift;
  if (value > std::numeric_limits<std::uint64_t>::max() - part)
    return std::nullopt;
  return value + part;
}

} // namespace hive
