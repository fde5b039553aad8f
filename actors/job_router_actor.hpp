#pragma once

#include "actors/job_settings.hpp"
#include "actors/vendor_context.hpp"
#include "messages/job_board.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <deque>
#include <map>
#include <memory>
#include <random>
#include <string>

namespace hive {

/// Receives operations, spawns one job per request and keeps at most
/// `max_concurrent` downloads running; the rest wait in a FIFO queue.
struct job_router_state {
  struct job {
    caf::actor supervisor;
    /// The catalog id the job writes, to refuse a second concurrent download.
    std::string model_id;
    bool running = false;
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
  std::mt19937_64 rng{std::random_device{}()};
  static inline const char* name = "job_router";
};

using job_router_actor_type = caf::stateful_actor<job_router_state>;

/// `download_spec -> std::string` job id;
/// `(model_op_atom, operation, model id) -> std::string` job id;
/// `(cancel_atom, job id) -> std::string` final state, once the job is down.
caf::behavior job_router_actor(job_router_actor_type* self, job_settings settings,
                               std::shared_ptr<job_board> board, caf::actor catalog,
                               caf::actor registry, vendor_factory make_vendors);

} // namespace hive
