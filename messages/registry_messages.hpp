#pragma once

#include "messages/actor_stats.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <memory>
#include <string>

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

} // namespace hive
