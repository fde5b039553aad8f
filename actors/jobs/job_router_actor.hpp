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

  job_settings settings;
  std::shared_ptr<job_board> board;
  caf::actor catalog;
  caf::actor registry;
  vendor_factory make_vendors;
  /// Jobs whose supervisor is alive.
  std::map<std::string, job> live;
  std::deque<std::string> queue;
  std::size_t running = 0;
  /// The catalog as the router reads it before it lets a job or a delete in;
  /// the catalog actor alone writes it.
  std::optional<model_catalog> entries;
  /// Ids whose delete the catalog actor is carrying out.
  std::set<std::string> deleting;
  static inline const char* name = "job_router";
};

using job_router_actor_type = caf::stateful_actor<job_router_state>;

/// `download_spec -> std::string` job id;
/// `(model_op_atom, operation, model id) -> std::string` job id;
/// `(delete_atom, model id) -> std::string` the id deleted, refused with
/// `model_in_use` while a live job writes that model or may link its shared
/// blobs; `(cancel_atom, job id) -> job_phase` final state, once the job is down;
/// `(max_rate_atom, job id, bytes per second) -> std::uint64_t` sets a live
/// job's own cap (0 removes it) and answers the cap that binds it now.
caf::behavior job_router_actor(job_router_actor_type* self, job_settings settings,
                               std::shared_ptr<job_board> board, caf::actor catalog,
                               caf::actor registry, vendor_factory make_vendors);

} // namespace hive
