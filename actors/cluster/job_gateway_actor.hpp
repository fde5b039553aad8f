#pragma once

#include "net/api/job_board.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace hive {

/// Serves the other hives' requests for jobs on this hive: it starts their
/// jobs on the local router and streams each job's journal to the relay of
/// the hive that asked, in order, until the job's end. The cluster actor
/// hands it what other hives send (`delegate`).
struct job_gateway_state {
  /// A job run for another hive.
  struct forwarded {
    /// The requesting hive's relay: the journal's events go there. Monitored:
    /// a relay gone (its hive shut down or cut off) cancels the job, which
    /// nobody could see or cancel any more.
    caf::actor relay;
    std::shared_ptr<job_journal> journal;
    /// The id of the last event sent to the relay.
    std::uint64_t cursor = 0;
    /// The journal's watch; removed when the job ends or the gateway quits.
    std::uint64_t watch_token = 0;
    /// Set by the journal's watcher (on its writer's thread) when it sent us a
    /// wake-up that we have not handled yet: a busy job sends one, not one
    /// per event.
    std::shared_ptr<std::atomic<bool>> wake_sent;
  };

  ~job_gateway_state();

  std::string hive_id;
  caf::actor router;
  caf::actor catalog;
  std::shared_ptr<job_board> board;
  /// How long the router may take to accept or cancel a job.
  std::chrono::milliseconds timeout{std::chrono::seconds{30}};
  /// Jobs under way for other hives, by job id.
  std::map<std::string, forwarded> jobs;
  static inline const char* name = "job_gateway";
};

using job_gateway_actor_type = caf::stateful_actor<job_gateway_state>;

/// The protocol other hives speak to it (every type in messages/type_ids.hpp):
/// - `(forward_atom, download_spec, caf::actor relay)` → `(std::string job id,
///   caf::actor gateway)`: the job started here (refused as `POST /v1/jobs`
///   refuses it, or with `unknown_hive` when the spec names another hive);
///   then `relayed_batch` messages to `relay` until the batch with the end.
/// - `(cancel_atom, job id)` → `job_phase`: answered once the router has the
///   job down and its partial files removed, after the batch with its end.
/// - `(max_rate_atom, job id, bytes per second)` → `std::uint64_t`, as the router.
/// - `(models_atom)` → `std::vector<model_record>`: this hive's catalog.
caf::behavior job_gateway_actor(job_gateway_actor_type* self, std::string hive_id,
                                caf::actor router, caf::actor catalog,
                                std::shared_ptr<job_board> board);

} // namespace hive
