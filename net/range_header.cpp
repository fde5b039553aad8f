#include "net/range_header.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <string>

namespace hive::net {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

/// Digits only (no sign, no spaces), within 64 bits.
std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t n = 0;
  if (text.empty() || text.front() < '0' || text.front() > '9')
    return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return n;
}

bool unit_is_bytes(std::string_view unit) {
  constexpr std::string_view bytes = "bytes";
  if (unit.size() != bytes.size())
    return false;
  for (std::size_t i = 0; i < unit.size(); ++i)
    if ((unit[i] | 0x20) != bytes[i])
      return false;
  return true;
}

} // namespace

range_request parse_range(std::string_view header, std::uint64_t size) {
  using kind = range_request::kind;
  header = trim(header);
  if (header.empty())
    return {};
  auto eq = header.find('=');
  if (eq == std::string_view::npos || !unit_is_bytes(trim(header.substr(0, eq))))
    return {kind::invalid, {}};
  auto spec = trim(header.substr(eq + 1));
  auto dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos)
    return {kind::invalid, {}};
  auto first_text = spec.substr(0, dash);
  auto last_text = spec.substr(dash + 1);
  if (first_text.empty()) { // the last SUFFIX bytes
    auto suffix = number(last_text);
    if (!suffix)
      return {kind::invalid, {}};
    if (*suffix == 0 || size == 0)
      return {kind::unsatisfiable, {}};
    return {kind::part, {size - std::min(*suffix, size), size}};
  }
  auto first = number(first_text);
  auto last = last_text.empty() ? std::optional{std::numeric_limits<std::uint64_t>::max()}
                                : number(last_text);
  if (!first || !last || *last < *first)
    return {kind::invalid, {}};
  if (*first >= size)
    return {kind::unsatisfiable, {}};
  return {kind::part, {*first, std::min(*last, size - 1) + 1}};
}

std::string content_range(byte_span span, std::uint64_t size) {
  return "bytes " + std::to_string(span.begin) + "-" + std::to_string(span.end - 1) + "/"
         + std::to_string(size);
}

} // namespace hive::net
