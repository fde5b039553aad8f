#include "net/rate_pacing.hpp"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>

namespace hive::net {

namespace {

/// Reads under a cap are never smaller than this: a very low cap waits
/// longer between reads rather than making many tiny ones.
constexpr std::size_t min_paced_read = 1024;
constexpr std::size_t max_paced_read = 64 * 1024;

} // namespace

boost::asio::awaitable<void> pace(const rate_limits& limits, std::uint64_t bytes) {
  if (bytes == 0)
    co_return;
  const auto now = std::chrono::steady_clock::now();
  std::chrono::nanoseconds wait{0};
  for (const auto& limit : limits)
    if (limit)
      wait = std::max(wait, limit->reserve(bytes, now));
  if (wait <= std::chrono::nanoseconds{0})
    co_return;
  boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor, wait};
  co_await timer.async_wait(boost::asio::use_awaitable);
}

std::size_t paced_read_size(const rate_limits& limits, std::size_t unpaced) {
  const auto lowest = lowest_rate(limits);
  if (lowest == 0)
    return unpaced;
  auto tenth = static_cast<std::size_t>(std::min<std::uint64_t>(lowest / 10, max_paced_read));
  return std::min(unpaced, std::max(tenth, min_paced_read));
}

} // namespace hive::net
