#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

namespace hive {

/// Bytes per second over the last few seconds of (time, bytes so far)
/// samples. Time is given by the caller, so actors can use their (virtual in
/// tests) clock.
class transfer_rate {
public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit transfer_rate(std::chrono::steady_clock::duration window = std::chrono::seconds{5})
    : window_(window) {
  }

  /// Records that `bytes` were done by `at`.
  void add(time_point at, std::uint64_t bytes);

  /// The rate between the oldest and the newest sample in the window; 0
  /// before there are two.
  std::uint64_t bytes_per_sec() const;

private:
  struct sample {
    time_point at;
    std::uint64_t bytes;
  };
  std::chrono::steady_clock::duration window_;
  std::deque<sample> samples_;
};

} // namespace hive
