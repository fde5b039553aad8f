#pragma once

#include "messages/registry_messages.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace hive {

/// A hive asked for its actor rows: its id and its cluster actor, which
/// answers `(actors_atom)` with the rows of its registry.
struct rows_source {
  std::string hive_id;
  caf::actor cluster;
};

/// Asks every hive of `asked` for its rows, each at most `timeout`, and
/// calls `done` once on `self`'s thread when all answered or failed: the
/// rows of `own_hive_id` first, then the others by hive id, each hive's cut
/// at `max_actor_rows_per_hive` and stamped with the id it was asked under;
/// `unreachable` holds `down` and every hive that failed, by id.
void gather_actor_rows(caf::event_based_actor* self, const std::string& own_hive_id,
                       std::vector<rows_source> asked, std::vector<std::string> down,
                       std::chrono::milliseconds timeout,
                       std::function<void(cluster_actor_rows)> done);

} // namespace hive
