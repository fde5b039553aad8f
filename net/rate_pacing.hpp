#pragma once

#include "net/asio.hpp"

#include "net/rate_limit.hpp"

#include <cstddef>
#include <cstdint>

namespace hive::net {

/// Books `bytes` just read on every limit and waits until the slowest says
/// they count as sent. A cancellation ends the wait at once (it throws, as
/// every cancelled `use_awaitable` operation does).
boost::asio::awaitable<void> pace(const rate_limits& limits, std::uint64_t bytes);

/// How much one read may take under `limits`: `unpaced` without a cap, else
/// at most 64 KiB and about a tenth of a second of the lowest cap, so that
/// connections sharing a cap take turns in small steps and a changed cap
/// shows within a fraction of a second.
std::size_t paced_read_size(const rate_limits& limits, std::size_t unpaced);

} // namespace hive::net
