#pragma once

#include "net/api/model_json.hpp"

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace hive {

/// Where a `model_list` for other hives asks.
struct cluster_catalogs {
  /// This hive's name and catalog.
  std::string own_hive_id;
  caf::actor catalog;
  /// This hive's cluster actor; invalid when the hive is in no cluster.
  caf::actor cluster;
  /// How long each hive may take to answer.
  std::chrono::milliseconds timeout{std::chrono::seconds{5}};
};

/// A hive that did not answer, and why.
struct catalog_failure {
  std::string hive_id;
  caf::error reason;
};

/// What a gathering found: the catalogs that came (this hive's first, the
/// others by id), and the hives that did not answer.
struct gathered_catalogs {
  std::vector<hive_catalog> catalogs;
  std::vector<catalog_failure> failures;
};

/// Gathers the catalogs of every `up` hive (`scope` `*`: the cluster actor's
/// `(list_atom)` names them) or of the one hive named `scope`, each asked
/// through its cluster actor (`lookup_atom`, then `models_atom`, which the
/// remote cluster actor hands its gateway). Calls `done` once on `self`'s
/// thread when every hive answered or failed.
void gather_catalogs(caf::event_based_actor* self, const cluster_catalogs& where,
                     const std::string& scope, std::function<void(gathered_catalogs)> done);

} // namespace hive
