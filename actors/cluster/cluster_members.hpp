#pragma once

#include "messages/cluster_messages.hpp"

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/expected.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hive {

/// The other hives a cluster actor knows and the rules by which they come
/// and go. No I/O and no actor: the cluster actor feeds it what the network
/// says, and tests drive it directly.
///
/// A hive is `up` while its cluster actor is linked and monitored, `down`
/// from its down message (or until it is first reached, when gossip named
/// it). An id belongs to one live node: a hive that joins under the id of
/// an `up` hive with another actor is refused; once that hive is `down`, the
/// id is free again (a restarted hive takes its old name back).
class cluster_members {
public:
  /// The most hives a cluster holds (itself included): the bound of every
  /// list that gossip grows.
  static constexpr std::size_t max_hives = 256;

  struct member {
    hive_status status;
    /// Its cluster address (`host:port`), empty when it does not listen.
    std::string address;
    /// Its cluster actor while `up` (and the last one it had after).
    caf::actor handle;
  };

  enum class admission {
    /// Up from now on under a handle to monitor.
    fresh,
    /// Already up under this handle (both hives dialed each other).
    again,
    /// It claims this hive's own id.
    own_id,
    /// Its id is up under another actor.
    taken,
    /// The cluster has `max_hives` already.
    full,
    /// Its report breaks the bounds (`plausible`).
    invalid,
  };

  explicit cluster_members(std::string own_id = {});

  /// A hive that joined us, or that we joined: `report` from `handle`.
  admission admit(const hive_report& report, const caf::actor& handle, std::int64_t now_ms);
  /// A status pushed by `from`: recorded when `from` is the up member of
  /// that id, else ignored (false).
  bool update(const hive_report& report, const caf::actor_addr& from, std::int64_t now_ms);
  /// `who` sent its down message: the member it was, now `down`, or null
  /// when it is no member's live actor.
  const member* mark_down(const caf::actor_addr& who);
  /// Cards from gossip: hives not known yet join the list `down`, and a down
  /// hive takes a card's new address. Answers the addresses worth dialing now.
  std::vector<std::string> learn(const std::vector<hive_card>& cards);

  /// An `up` hive's cluster actor; `unknown_hive` or `hive_unavailable`.
  caf::expected<caf::actor> lookup(const std::string& hive_id) const;
  /// Whether `address` is some member's address (worth dialing again).
  bool knows_address(const std::string& address) const;
  /// Every member's status, by id.
  std::vector<hive_status> statuses() const;
  /// Every member as gossip names it.
  std::vector<hive_card> cards() const;
  /// The up members' actors.
  std::vector<caf::actor> up_handles() const;

private:
  std::string own_id_;
  std::map<std::string, member> members_;
};

/// Whether a report keeps to the bounds of what a hive says: a valid id,
/// at most `cluster_members::max_hives` peers, sizes of ids, URLs and model
/// lists as the API bounds them.
bool plausible(const hive_report& report);

} // namespace hive
