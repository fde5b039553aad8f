#pragma once

#include "actors/cluster/cluster_members.hpp"
#include "actors/cluster/cluster_settings.hpp"
#include "net/api/job_board.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <map>
#include <memory>
#include <string>

namespace hive {

class blob_locator;

/// This hive's member of the cluster: it knows the other hives, links to
/// their cluster actors over CAF's middleman, and monitors them, so a hive
/// that goes away is `down` on its down message. A lone hive is a cluster of
/// one: the actor always runs.
struct cluster_state {
  /// A hive's address this actor dials, again after each failure.
  struct dial {
    /// Failures in a row: the next attempt waits `redial_min * 2^failures`,
    /// at most `redial_max`.
    unsigned failures = 0;
    /// A connect or join is under way, or the next attempt is scheduled.
    bool busy = false;
  };

  cluster_settings settings;
  caf::actor catalog;
  /// This hive's actor registry, whose rows other hives ask for.
  caf::actor registry;
  /// Where this hive's jobs are, to count those running.
  std::shared_ptr<job_board> board;
  /// Connects to other hives: CAF's middleman actor, the TLS one with
  /// certificates; invalid in a hive that talks to none.
  caf::io::middleman_actor dialer;
  cluster_members members;
  /// This hive as it tells the others, refreshed every status interval.
  hive_report own;
  /// The addresses dialed or to dial again: configured peers until they are
  /// reached, and down hives.
  std::map<std::string, dial> dials;
  /// Status intervals since this hive last pushed its status.
  unsigned intervals_since_push = 0;
  /// This hive's job gateway, which runs the jobs other hives forward here.
  caf::actor gateway;
  /// Answers other hives whether this one holds a blob (blob_mirrors.hpp),
  /// off this actor's thread; invalid when the hive serves no blobs.
  caf::actor blob_finder;
  static inline const char* name = "cluster";
};

using cluster_actor_type = caf::stateful_actor<cluster_state>;

/// The interface other actors and the API use (request/reply):
/// - `(list_atom)` → `std::vector<hive_status>`: this hive first, `up` with
///   `last_seen_ms` now, then the others by id.
/// - `(lookup_atom, std::string hive_id)` → `caf::actor`: that hive's cluster
///   actor (this one for the own id), else an error: `unknown_hive` (404) or
///   `hive_unavailable` (503, known but down). Ids that `runs_here` accepts
///   (`""`, `localhost`) are not hive names: callers test `runs_here` first.
/// Between hives: `(join_atom, hive_report)` → `hive_report` (refused when
/// the id belongs to another live hive), `(status_atom, hive_report)`.
/// `(forward_atom, download_spec, caf::actor relay)` and `(models_atom)` go
/// on to the hive's job gateway (job_gateway_actor.hpp), which answers.
/// `(actors_atom)` → `std::vector<actor_row>`: this hive's registry rows
/// (at most `max_actor_rows_per_hive`).
/// - `(list_atom, actors_atom)` → `cluster_actor_rows`: every hive's rows,
///   gathered with `(actors_atom)` from this hive and each `up` hive, each
///   given `settings.gather_timeout`; down hives and those that did not
///   answer are `unreachable`.
/// `(blob_atom, std::string sha256)` → `blob_presence`: what this hive has
/// of that blob (none without a cluster secret or `blobs`).
/// Within the hive: `(mirrors_atom, std::string sha256)` →
/// `std::vector<blob_source>`: the other hives to fetch that blob from
/// (blob_mirrors.hpp), empty at once when none is up.
/// Within the hive: `(start_atom, api_url, cluster address, gateway)` from
/// the runtime once the API and the cluster port are open: the actor then
/// dials its peers and begins its status intervals. Only a sender of this
/// node may start it.
caf::behavior cluster_actor(cluster_actor_type* self, cluster_settings settings,
                            std::string hive_id, caf::actor catalog, caf::actor registry,
                            std::shared_ptr<job_board> board, caf::io::middleman_actor dialer,
                            std::shared_ptr<const blob_locator> blobs);

} // namespace hive
