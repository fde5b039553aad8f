#pragma once

#include "actors/vendors/job_settings.hpp"
#include "actors/catalog/model_catalog.hpp"
#include "actors/vendors/model_ref.hpp"
#include "actors/vendors/vendor_context.hpp"
#include "net/api/job_board.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace hive {

/// Receives operations, spawns one job per request and keeps at most
/// `max_concurrent` downloads running; the rest wait in a FIFO queue.
struct job_router_state {
  struct job {
    caf::actor supervisor;
    /// What the job fetches: its catalog id and source (to refuse a second
    /// concurrent download that cannot share its transfers, or a delete) and
    /// repository (whose shared blobs it may link).
    model_ref ref;
    /// Final once the job's work is done, a moment before its supervisor
    /// reports the end: from then on it holds the model no more.
    std::shared_ptr<job_journal> journal;
    bool running = false;
    /// The job's own cap on bytes per second, shared with its transfers.
    std::shared_ptr<net::rate_limit> max_rate;

    bool holds_model() const {
      return !journal->finished();
    }
  };

  /// A job another hive runs for us: its relay and journal.
  struct relayed_job {
    caf::actor relay;
    std::shared_ptr<job_journal> journal;
  };

  job_settings settings;
  std::shared_ptr<job_board> board;
  caf::actor catalog;
  caf::actor registry;
  /// This hive's cluster actor (finds other hives), invalid when it is in none.
  caf::actor cluster;
  vendor_factory make_vendors;
  /// Jobs whose supervisor is alive.
  std::map<std::string, job> live;
  std::deque<std::string> queue;
  /// Jobs forwarded to other hives whose relay is alive. They take no
  /// download slot here; `max_queued` bounds them, as it bounds waiting jobs.
  std::map<std::string, relayed_job> relays;
  std::size_t running = 0;
  /// The catalog as the router reads it before it lets a job or a delete in;
  /// the catalog actor alone writes it.
  std::optional<model_catalog> entries;
  /// Ids whose delete the catalog actor is carrying out.
  std::set<std::string> deleting;
  static inline const char* name = "job_router";
};

using job_router_actor_type = caf::stateful_actor<job_router_state>;

/// `download_spec -> std::string` job id: a spec whose `hive_id` names
/// another hive is forwarded there through `cluster` (`unknown_hive`,
/// `hive_unavailable`, or that hive's refusal) and relayed by a local job;
/// `(model_op_atom, operation, model id, hive_id) -> std::string` job id, a
/// `model_list` for `*` or another hive gathering their catalogs;
/// `(delete_atom, model id) -> std::string` the id deleted, refused with
/// `model_in_use` while a live job writes that model or may link its shared
/// blobs; `(cancel_atom, job id) -> job_phase` final state, once the job is down
/// (a relayed job: once the other hive cancelled it and removed its files);
/// `(max_rate_atom, job id, bytes per second) -> std::uint64_t` sets a live
/// job's own cap (0 removes it) and answers the cap that binds it now.
caf::behavior job_router_actor(job_router_actor_type* self, job_settings settings,
                               std::shared_ptr<job_board> board, caf::actor catalog,
                               caf::actor registry, caf::actor cluster,
                               vendor_factory make_vendors);

} // namespace hive
