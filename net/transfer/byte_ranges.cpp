#include "net/transfer/byte_ranges.hpp"

#include <charconv>

namespace hive::net {

void byte_ranges::add(byte_span span) {
  if (span.begin >= span.end)
    return;
  auto it = spans_.upper_bound(span.begin);
  if (it != spans_.begin() && std::prev(it)->second >= span.begin) // touches the one before
    it = std::prev(it);
  while (it != spans_.end() && it->first <= span.end) { // swallow what it overlaps or touches
    span.begin = std::min(span.begin, it->first);
    span.end = std::max(span.end, it->second);
    it = spans_.erase(it);
  }
  spans_.emplace(span.begin, span.end);
}

std::uint64_t byte_ranges::prefix() const {
  if (spans_.empty() || spans_.begin()->first != 0)
    return 0;
  return spans_.begin()->second;
}

std::uint64_t byte_ranges::size() const {
  std::uint64_t n = 0;
  for (const auto& [begin, end] : spans_)
    n += end - begin;
  return n;
}

std::vector<byte_span> byte_ranges::gaps(std::uint64_t total) const {
  std::vector<byte_span> out;
  std::uint64_t at = 0;
  for (const auto& [begin, end] : spans_) {
    if (begin >= total)
      break;
    if (begin > at)
      out.push_back({at, begin});
    at = std::max(at, end);
  }
  if (at < total)
    out.push_back({at, total});
  return out;
}

std::string byte_ranges::text() const {
  std::string out;
  for (const auto& [begin, end] : spans_)
    out += (out.empty() ? "" : ",") + std::to_string(begin) + "-" + std::to_string(end);
  return out;
}

std::optional<byte_ranges> byte_ranges::parse(std::string_view text) {
  byte_ranges out;
  const char* at = text.data();
  const char* end = text.data() + text.size();
  std::uint64_t last_end = 0;
  while (at < end) {
    byte_span span;
    auto [dash, ec1] = std::from_chars(at, end, span.begin);
    if (ec1 != std::errc{} || dash == end || *dash != '-')
      return std::nullopt;
    auto [next, ec2] = std::from_chars(dash + 1, end, span.end);
    // In order, apart and not empty, as `text` writes them.
    if (ec2 != std::errc{} || span.end <= span.begin || (!out.empty() && span.begin <= last_end))
      return std::nullopt;
    out.spans_.emplace(span.begin, span.end);
    last_end = span.end;
    if (next != end && *next != ',')
      return std::nullopt;
    at = next == end ? end : next + 1;
    if (next != end && at == end)
      return std::nullopt; // a trailing comma
  }
  return out;
}

} // namespace hive::net
