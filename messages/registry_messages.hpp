#pragma once

#include "messages/actor_stats.hpp"

#include <caf/meta/type_name.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hive {

/// What the actor registry knows of one actor, given when it is spawned.
struct actor_info {
  /// Kind of actor: `job_router`, `job_supervisor`, `url_vendor`, ...
  std::string kind;
  /// The job it serves, empty for node-wide actors.
  std::string job_id;
  /// CAF id of its parent, 0 for roots.
  std::uint64_t parent = 0;
  /// Its live figures, shared with the actor. Within this process only: not
  /// serialized, so a copy that crossed a network has none.
  std::shared_ptr<actor_stats> stats;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_info& x) {
  return f(caf::meta::type_name("actor_info"), x.kind, x.job_id, x.parent);
}

/// One live actor as the registry lists it, its figures sampled when asked.
struct actor_row {
  /// The hive it runs on.
  std::string hive_id;
  /// CAF actor id (unique within its hive only).
  std::uint64_t id = 0;
  /// The actor's own name (its state's `name`).
  std::string name;
  /// As in its `actor_info`.
  std::string kind;
  std::string job_id;
  std::uint64_t parent = 0;
  std::int64_t started_ms = 0;
  std::int64_t uptime_ms = 0;
  actor_activity state = actor_activity::running;
  /// Figures that may be unknown are -1 then: all of them for an actor
  /// without stats, `mailbox` until it handled a message, `bytes_per_sec`
  /// for one that moves no bytes.
  std::int64_t messages = -1;
  std::int64_t mailbox = -1;
  std::int64_t bytes_per_sec = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_row& x) {
  return f(caf::meta::type_name("actor_row"), x.hive_id, x.id, x.name, x.kind, x.job_id, x.parent,
           x.started_ms, x.uptime_ms, x.state, x.messages, x.mailbox, x.bytes_per_sec);
}

/// The most rows one hive gives for `GET /v1/actors?cluster=1`, and takes
/// from another (the first by id: node-wide actors, then the oldest jobs').
/// The registry itself grows with the jobs (bounded by `--max-concurrent`
/// and `--max-queued`); this bounds what crosses the cluster link and the
/// size of the gathered answer (at most 256 hives).
constexpr std::size_t max_actor_rows_per_hive = 4096;

/// Every hive's actors as one hive gathered them: this hive's first, the
/// others by hive id, each row naming its hive; and the ids of the hives
/// known to the cluster whose rows are missing (down, or not answering in
/// time), by id.
struct cluster_actor_rows {
  std::vector<actor_row> actors;
  std::vector<std::string> unreachable;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_actor_rows& x) {
  return f(caf::meta::type_name("cluster_actor_rows"), x.actors, x.unreachable);
}

} // namespace hive
