#pragma once

#include "actors/cluster/cluster_actor.hpp"
#include "messages/blob_messages.hpp"
#include "messages/transfer_messages.hpp"

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hive {

class blob_locator;

/// What one hive answered about a blob.
struct peer_blob {
  std::string hive_id;
  /// Its HTTP API, where `GET /v1/blobs/sha256/<hex>` serves the blob.
  std::string api_url;
  blob_presence presence;
};

/// The hives to fetch `sha256` from, as sources for the transfer engine, at
/// most `cap`: those that hold it whole, then those fetching it from the
/// origin (the most landed first). A hive that is itself fetching it from
/// other hives is never one: so a hive only ever waits on a hive that waits
/// on nobody, and two hives cannot wait on each other.
std::vector<blob_source> choose_mirrors(std::vector<peer_blob> answers, std::string_view sha256,
                                        const std::string& secret, std::size_t cap);

/// Answers `(mirrors_atom, sha256)` for the cluster actor `self`: asks every
/// hive that is up `(blob_atom, sha256)` and delivers `choose_mirrors` of
/// those that answered within `mirror_timeout`. At once and without asking
/// anyone, an empty list when no hive is up or the hive has no cluster secret.
caf::response_promise gather_mirrors(cluster_actor_type* self, const std::string& sha256);

/// Answers `(blob_atom, sha256)` with `blobs->presence(sha256)`. It reads the
/// catalog's files, so it runs detached: the cluster actor's thread stays free
/// for membership while it reads.
caf::behavior blob_finder(caf::event_based_actor* self, std::shared_ptr<const blob_locator> blobs);

} // namespace hive
