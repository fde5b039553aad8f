#pragma once

#include "actors/cluster/cluster_actor.hpp"
#include "messages/blob_messages.hpp"
#include "messages/transfer_messages.hpp"

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>

#include <chrono>
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

/// The hives that hive `own_id` fetches `sha256` from, as sources for the
/// transfer engine, at most `cap`: those that hold it whole, then those
/// fetching it from the origin (the most landed first). Of the latter, one
/// still `deciding` (asking the others, as this hive is) only when its id is
/// lower than `own_id`: hives that ask at the same moment converge on the
/// lowest id, which takes from none of them and fetches from the origin.
///
/// No waiting cycle can form. Each transfer decides its sources once (a
/// transfer that took any records itself as not from the origin, and is
/// never chosen after), and an edge "X takes from Y" is made only when Y
/// (a) holds the file whole or (b) has settled on the origin alone: Y takes
/// from nobody, ever; or (c) is deciding with id(Y) < id(X). In a cycle
/// every member takes from someone, so no edge of it is (a) or (b); every
/// edge is then (c) and the ids fall strictly all the way round: impossible.
/// (A transfer that ends drops its readers, which leave it for good.)
std::vector<blob_source> choose_mirrors(std::vector<peer_blob> answers, std::string_view sha256,
                                        std::string_view own_id, const std::string& secret,
                                        std::size_t cap);

/// Answers `(mirrors_atom, sha256)` for the cluster actor `self`: asks every
/// hive that is up `(blob_atom, sha256)` (through a `mirror_gatherer`) and
/// delivers `choose_mirrors` of the answers. At once and without asking
/// anyone, an empty list when no hive is up, the hive has no cluster secret
/// or `max_mirrors` is 0.
caf::response_promise gather_mirrors(cluster_actor_type* self, const std::string& sha256);

/// The hives one question about a blob goes to, and how long it may take.
struct mirror_question {
  struct peer {
    std::string hive_id;
    std::string api_url;
    caf::actor cluster;
  };
  std::string sha256;
  std::string own_id;
  std::string secret;
  std::size_t cap = 0;
  /// For the whole question, every round of it included.
  std::chrono::milliseconds timeout{};
  /// Between rounds.
  std::chrono::milliseconds pause{};
  std::vector<peer> peers;
};

/// Answers one `(mirrors_atom)` with `choose_mirrors` of the hives in
/// `question`, then quits. A hive that does not answer within the timeout
/// is left out. A hive still deciding whose id is higher than this one's
/// (which `choose_mirrors` leaves out) is asked again after a pause until
/// it has decided or the time is up: it may have asked this hive before
/// this one was fetching, and settled on the origin too, so that two hives
/// asking at about the same moment would both fetch from the origin. Once
/// it has settled on the origin, this hive takes from it.
caf::behavior mirror_gatherer(caf::event_based_actor* self, mirror_question question);

/// Answers `(blob_atom, sha256)` with `blobs->presence(sha256)`. It reads the
/// catalog's files, so it runs detached: the cluster actor's thread stays free
/// for membership while it reads.
caf::behavior blob_finder(caf::event_based_actor* self, std::shared_ptr<const blob_locator> blobs);

} // namespace hive
