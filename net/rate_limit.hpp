#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace hive::net {

/// A cap on bytes per second shared by every transfer that books on it (the
/// connections of a job, the jobs of a node): a token bucket kept as the time
/// at which what was booked so far is paid off, which also gives callers the
/// order in which they booked. Thread-safe.
class rate_limit {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// What may pass at once after a quiet spell, as a share of a second: small
  /// enough that a cap is visible within a progress interval, large enough
  /// that a few reads fit without a wait.
  static constexpr std::chrono::milliseconds burst{100};

  /// `bytes_per_sec` 0 is no cap.
  explicit rate_limit(std::uint64_t bytes_per_sec = 0) : rate_(bytes_per_sec) {
  }

  /// Changes the cap (0 removes it) from the next reservation on; what was
  /// booked at the old rate is forgiven, so a raised cap is not held back by
  /// a debt run up under the lower one.
  void set(std::uint64_t bytes_per_sec);

  std::uint64_t bytes_per_sec() const;

  /// Books `bytes` that arrived at `now` and returns how long their reader
  /// must wait before they count as sent; 0 without a cap.
  std::chrono::nanoseconds reserve(std::uint64_t bytes, time_point now);

private:
  mutable std::mutex mutex_;
  std::uint64_t rate_;
  /// When what was booked so far is paid off at the current rate.
  time_point paid_until_ = time_point::min();
};

/// The caps a transfer obeys (its job's, the node's); null entries and caps
/// of 0 are no cap.
using rate_limits = std::vector<std::shared_ptr<rate_limit>>;

/// The cap that binds: the lowest of `limits`, 0 when none is set.
std::uint64_t lowest_rate(const rate_limits& limits);

} // namespace hive::net
