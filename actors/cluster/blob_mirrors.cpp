#include "actors/cluster/blob_mirrors.hpp"

#include "actors/node/blob_locator.hpp"
#include "messages/type_ids.hpp"

#include <algorithm>
#include <utility>

namespace hive {

std::vector<blob_source> choose_mirrors(std::vector<peer_blob> answers, std::string_view sha256,
                                        std::string_view own_id, const std::string& secret,
                                        std::size_t cap) {
  using holding = blob_presence::holding;
  std::erase_if(answers, [own_id](const peer_blob& a) {
    const auto& p = a.presence;
    bool origin = p.state == holding::fetching && p.from_origin
                  && (!p.deciding || a.hive_id < own_id);
    return !(p.state == holding::complete || origin);
  });
  // Whole files first, then the transfers furthest along; by id for a stable order.
  std::sort(answers.begin(), answers.end(), [](const peer_blob& x, const peer_blob& y) {
    bool x_whole = x.presence.state == holding::complete;
    bool y_whole = y.presence.state == holding::complete;
    if (x_whole != y_whole)
      return x_whole;
    if (x.presence.landed != y.presence.landed)
      return x.presence.landed > y.presence.landed;
    return x.hive_id < y.hive_id;
  });
  std::vector<blob_source> out;
  for (const auto& a : answers) {
    if (out.size() >= cap)
      break;
    out.push_back(
        {"hive " + a.hive_id, a.api_url + "/v1/blobs/sha256/" + std::string{sha256}, secret});
  }
  return out;
}

caf::response_promise gather_mirrors(cluster_actor_type* self, const std::string& sha256) {
  auto rp = self->make_response_promise();
  auto& st = self->state;
  std::vector<std::pair<hive_status, caf::actor>> peers;
  if (!st.settings.blob_secret.empty() && is_sha256_hex(sha256))
    for (auto& status : st.members.statuses())
      if (auto handle = st.members.lookup(status.hive_id); handle && status.state == hive_state::up)
        peers.emplace_back(std::move(status), std::move(*handle));
  if (peers.empty()) {
    rp.deliver(std::vector<blob_source>{});
    return rp;
  }
  struct gathering {
    caf::response_promise rp;
    std::vector<peer_blob> answers;
    std::size_t pending;
  };
  auto g = std::make_shared<gathering>(gathering{rp, {}, peers.size()});
  auto one_done = [self, g, sha256] {
    if (--g->pending > 0)
      return;
    const auto& settings = self->state.settings;
    g->rp.deliver(choose_mirrors(std::move(g->answers), sha256, self->state.own.status.hive_id,
                                 settings.blob_secret, settings.max_mirrors));
  };
  for (auto& [status, handle] : peers)
    self->request(handle, st.settings.mirror_timeout, blob_atom_v, sha256)
        .then(
            [g, one_done, id = status.hive_id, url = status.api_url](blob_presence& p) {
              g->answers.push_back({id, url, p});
              one_done();
            },
            // A hive that does not answer in time is one we do not wait for.
            [one_done](caf::error&) { one_done(); });
  return rp;
}

caf::behavior blob_finder(caf::event_based_actor*, std::shared_ptr<const blob_locator> blobs) {
  return {
      [blobs](blob_atom, const std::string& sha256) { return blobs->presence(sha256); },
  };
}

} // namespace hive
