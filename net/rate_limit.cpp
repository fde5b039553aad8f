#include "net/rate_limit.hpp"

#include <algorithm>

namespace hive::net {

void rate_limit::set(std::uint64_t bytes_per_sec) {
  std::lock_guard lock{mutex_};
  rate_ = bytes_per_sec;
  paid_until_ = time_point::min();
}

std::uint64_t rate_limit::bytes_per_sec() const {
  std::lock_guard lock{mutex_};
  return rate_;
}

std::chrono::nanoseconds rate_limit::reserve(std::uint64_t bytes, time_point now) {
  std::lock_guard lock{mutex_};
  if (rate_ == 0)
    return std::chrono::nanoseconds{0};
  // Floating point: bytes times 10^9 overflows 64 bits for large reads and rates.
  auto cost = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(
      static_cast<double>(bytes) / static_cast<double>(rate_)));
  // Time not used while idle is not saved up beyond the burst.
  paid_until_ = std::max(paid_until_, now - burst) + cost;
  return std::max(std::chrono::nanoseconds{0}, paid_until_ - now);
}

std::uint64_t lowest_rate(const rate_limits& limits) {
  std::uint64_t lowest = 0;
  for (const auto& limit : limits)
    if (auto rate = limit ? limit->bytes_per_sec() : 0; rate != 0)
      lowest = lowest == 0 ? rate : std::min(lowest, rate);
  return lowest;
}

} // namespace hive::net
