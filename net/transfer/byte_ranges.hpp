#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hive::net {

/// A half-open span of a file's bytes, `[begin, end)`.
struct byte_span {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;

  std::uint64_t size() const {
    return end - begin;
  }
  bool operator==(const byte_span&) const = default;
};

/// The bytes of a file that have landed: disjoint spans, merged as they touch.
class byte_ranges {
public:
  void add(byte_span span);
  /// How many bytes from offset 0 on have landed without a gap.
  std::uint64_t prefix() const;
  /// Bytes landed in all.
  std::uint64_t size() const;
  /// Where the last span ends; 0 when empty.
  std::uint64_t end() const {
    return spans_.empty() ? 0 : spans_.rbegin()->second;
  }
  /// What is missing of `[0, total)`, in order.
  std::vector<byte_span> gaps(std::uint64_t total) const;
  bool empty() const {
    return spans_.empty();
  }

  /// `0-1048576,2097152-3145728` (begin-end, end exclusive); "" when empty.
  std::string text() const;
  /// Reads what `text` wrote; nullopt for anything else.
  static std::optional<byte_ranges> parse(std::string_view text);

private:
  std::map<std::uint64_t, std::uint64_t> spans_; // begin -> end
};

} // namespace hive::net
