#include "net/transfer/connection_governor.hpp"

#include <algorithm>

namespace hive::net {

namespace {

constexpr unsigned step = 4;
/// What a step must add to the rate to be worth another.
constexpr double growth_needed = 4.0 / 3.0;

} // namespace

connection_governor::connection_governor(unsigned ceiling, std::chrono::milliseconds window)
    : ceiling_(std::max(1u, ceiling)), window_(window) {
}

unsigned connection_governor::want(clock::time_point now, std::uint64_t bytes,
                                   unsigned delivering) {
  if (settled())
    return std::min(target_, ceiling_);
  if (!window_start_) { // a step starts: measured from here, so its first bytes count
    window_start_ = now;
    window_bytes_ = bytes;
    return target_;
  }
  if (delivering < target_ || now - *window_start_ < window_)
    return target_;
  auto elapsed = std::chrono::duration<double>(now - *window_start_).count();
  auto rate = static_cast<double>(bytes - window_bytes_) / elapsed;
  window_start_ = now;
  window_bytes_ = bytes;
  if (last_rate_ > 0 && rate < last_rate_ * growth_needed) {
    settled_ = true;
    return target_;
  }
  last_rate_ = rate;
  target_ = std::min(ceiling_, target_ * step);
  return target_;
}

} // namespace hive::net
