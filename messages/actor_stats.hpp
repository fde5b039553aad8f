#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace hive {

/// What an actor is doing, as `GET /v1/actors` shows it (`activity_name` in
/// net/api names it).
enum class actor_activity : std::uint8_t {
  running = 0,
  /// A job supervisor waiting for a download slot.
  queued = 1,
  /// An HTTP fetcher waiting for the source's answer.
  connecting = 2,
  /// An HTTP fetcher receiving the body.
  transferring = 3,
  /// A job supervisor writing the catalog entry.
  finalizing = 4,
  /// Stopping its work after a cancel.
  cancelling = 5,
  /// A job supervisor whose job has ended.
  done = 6,
};

/// Live figures of one actor, shared by the actor (which writes them, from
/// its own thread or its transfer's) and the actor registry (which reads
/// them for `GET /v1/actors`). Each value is a sample on its own: relaxed
/// atomics, no lock, no consistency between fields.
struct actor_stats {
  std::atomic<actor_activity> state{actor_activity::running};
  /// Messages its behavior handled (not system messages: exit, down, replies).
  std::atomic<std::uint64_t> messages{0};
  /// Messages waiting behind the last one it handled, sampled then by the
  /// actor itself; -1 until it handled one.
  std::atomic<std::int64_t> mailbox{-1};
  /// Bytes per second of an actor that moves bytes; -1 for the others.
  std::atomic<std::int64_t> bytes_per_sec{-1};
  /// When `bytes_per_sec` was last measured (wall clock, ms): a figure older
  /// than `rate_lifetime_ms` is stale, and reads as 0 (a stall, a retry wait).
  std::atomic<std::int64_t> rate_at_ms{0};
  static constexpr std::int64_t rate_lifetime_ms = 5000;

  /// `bytes_per_sec` as of `now_ms`: 0 once stale, -1 for actors without one.
  std::int64_t rate_at(std::int64_t now_ms) const {
    auto rate = bytes_per_sec.load(std::memory_order_relaxed);
    if (rate > 0 && now_ms - rate_at_ms.load(std::memory_order_relaxed) > rate_lifetime_ms)
      return 0;
    return rate;
  }
};

/// Shows `state` for an actor that may have no stats.
inline void show_state(const std::shared_ptr<actor_stats>& stats, actor_activity state) {
  if (stats)
    stats->state.store(state, std::memory_order_relaxed);
}

} // namespace hive
