#include "net/transfer_rate.hpp"

namespace hive {

void transfer_rate::add(time_point at, std::uint64_t bytes) {
  samples_.push_back({at, bytes});
  while (samples_.size() > 2 && at - samples_.front().at > window_)
    samples_.pop_front();
}

std::uint64_t transfer_rate::bytes_per_sec() const {
  if (samples_.size() < 2)
    return 0;
  const auto& first = samples_.front();
  const auto& last = samples_.back();
  auto secs = std::chrono::duration<double>(last.at - first.at).count();
  if (secs <= 0 || last.bytes < first.bytes)
    return 0;
  return static_cast<std::uint64_t>(static_cast<double>(last.bytes - first.bytes) / secs);
}

} // namespace hive
