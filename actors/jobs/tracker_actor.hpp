#pragma once

#include "messages/transfer_messages.hpp"
#include "net/rate_limit.hpp"
#include "net/transfer_rate.hpp"

#include <caf/actor.hpp>
#include <caf/actor_clock.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hive {

/// Settings of a tracker, taken from the node's `job_settings`.
struct tracker_settings {
  std::chrono::milliseconds progress_interval{100};
  std::chrono::milliseconds heartbeat_interval{std::chrono::seconds{10}};
  /// The caps the job's transfers obey (its own, the node's), read at each
  /// report so that a changed cap shows in the next one.
  net::rate_limits limits = {};
};

/// Counts a job's bytes across its files and turns them into throttled
/// progress reports and periodic heartbeat narration.
struct tracker_state {
  using time_point = caf::actor_clock::time_point;
  struct file_progress {
    std::uint64_t bytes = 0;
    std::uint64_t total = 0;
    std::uint32_t connections = 0;
    std::vector<source_bytes> sources;
  };
  tracker_settings settings;
  caf::actor narration;
  std::map<std::string, file_progress> files;
  std::string last_file;
  /// The job's speed over its last few seconds.
  transfer_rate rate;
  time_point last_emit{};
  /// Progress arrived since the last report.
  bool dirty = false;
  /// A delayed `tick` is on its way to flush throttled progress.
  bool flush_pending = false;
  /// The heartbeat is armed: the job is running.
  bool beating = false;
  static inline const char* name = "tracker";
};

using tracker_actor_type = caf::stateful_actor<tracker_state>;

/// Accepts `progress_update`; sends `progress_report` and, from `start_atom`
/// on (a queued job arms no timer), heartbeat `narration_note`s to
/// `narration`. Heartbeats do not repeat the reference: the job's start names
/// it once. On a `job_outcome` request it sends a last
/// report, delegates the request to `narration` (so it arrives after that
/// report, and narration answers once the journal is final) and quits.
caf::behavior tracker_actor(tracker_actor_type* self, caf::actor narration,
                            tracker_settings settings);

} // namespace hive
