#include "actors/vendors/vendor_progress.hpp"

#include "messages/type_ids.hpp"
#include "net/host/wall_clock.hpp"
#include "net/transfer_rate.hpp"

#include <caf/send.hpp>

#include <memory>

namespace hive {

std::function<void(std::uint64_t, std::uint64_t, std::uint32_t, const std::vector<source_bytes>&)>
progress_reporter(const vendor_context& ctx, std::string file) {
  if (ctx.stats)
    ctx.stats->bytes_per_sec.store(0, std::memory_order_relaxed);
  return [tracker = ctx.tracker, stats = ctx.stats, file = std::move(file),
          rate = std::make_shared<transfer_rate>()](std::uint64_t bytes, std::uint64_t total,
                                                    std::uint32_t connections,
                                                    const std::vector<source_bytes>& sources) {
    caf::anon_send(tracker, progress_update{file, bytes, total, connections, sources});
    if (!stats)
      return;
    rate->add(std::chrono::steady_clock::now(), bytes);
    auto per_sec = static_cast<std::int64_t>(rate->bytes_per_sec());
    stats->bytes_per_sec.store(per_sec, std::memory_order_relaxed);
    stats->rate_at_ms.store(wall_clock_ms(), std::memory_order_relaxed);
  };
}

} // namespace hive
