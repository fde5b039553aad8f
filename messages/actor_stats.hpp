#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace hive {

/// Live figures of one actor, shared by the actor (which writes them, from
/// its own thread or its transfer's) and the actor registry (which reads
/// them for `GET /v1/actors`). Each value is a sample on its own: relaxed
/// atomics, no lock, no consistency between fields.
struct actor_stats {
  /// What the actor is doing: a string literal (static storage), e.g.
  /// `running`, `queued`, `cancelling`.
  std::atomic<const char*> state{"running"};
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

/// Shows `state` (a string literal) for an actor that may have no stats.
inline void show_state(const std::shared_ptr<actor_stats>& stats, const char* state) {
  if (stats)
    stats->state.store(state, std::memory_order_relaxed);
}

} // namespace hive
