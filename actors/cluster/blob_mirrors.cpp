#include "actors/cluster/blob_mirrors.hpp"

#include "actors/node/blob_locator.hpp"
#include "messages/type_ids.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <utility>

namespace hive {

std::vector<blob_source> choose_mirrors(std::vector<peer_blob> answers, std::string_view sha256,
                                        std::string_view own_id, const std::string& secret,
                                        std::size_t cap) {
  using holding = blob_presence::holding;
  std::erase_if(answers, [own_id](const peer_blob& a) {
    const auto& p = a.presence;
    bool origin =
        p.state == holding::fetching && p.from_origin && (!p.deciding || a.hive_id < own_id);
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
  const auto& st = self->state;
  mirror_question question{sha256,
                           st.own.status.hive_id,
                           st.settings.blob_secret,
                           st.settings.max_mirrors,
                           st.settings.mirror_timeout,
                           st.settings.mirror_recheck,
                           {}};
  if (!question.secret.empty() && question.cap > 0 && is_sha256_hex(sha256))
    for (const auto& status : st.members.statuses())
      if (auto handle = st.members.lookup(status.hive_id); handle && status.state == hive_state::up)
        question.peers.push_back({status.hive_id, status.api_url, std::move(*handle)});
  if (question.peers.empty())
    rp.deliver(std::vector<blob_source>{});
  else
    rp.delegate(self->spawn(mirror_gatherer, std::move(question)), mirrors_atom_v);
  return rp;
}

namespace {

struct gathering {
  mirror_question question;
  caf::response_promise rp;
  caf::actor_clock::time_point deadline;
  /// The latest answer of each hive that gave one, by its index in `question.peers`.
  std::map<std::size_t, blob_presence> answers;
  std::size_t pending = 0;

  /// The hives to ask again: still deciding, with a higher id than this one.
  std::vector<std::size_t> undecided() const {
    std::vector<std::size_t> out;
    for (const auto& [i, p] : answers)
      if (p.state == blob_presence::holding::fetching && p.deciding
          && question.peers[i].hive_id > question.own_id)
        out.push_back(i);
    return out;
  }

  std::vector<blob_source> choice() {
    std::vector<peer_blob> found;
    for (const auto& [i, p] : answers)
      found.push_back({question.peers[i].hive_id, question.peers[i].api_url, p});
    return choose_mirrors(std::move(found), question.sha256, question.own_id, question.secret,
                          question.cap);
  }
};

void ask(caf::event_based_actor* self, const std::shared_ptr<gathering>& g,
         const std::vector<std::size_t>& whom) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(g->deadline - self->clock().now());
  auto one_done = [self, g] {
    if (--g->pending > 0)
      return;
    if (!g->undecided().empty() && self->clock().now() + g->question.pause < g->deadline) {
      self->delayed_send(self, g->question.pause, wake_atom_v);
      return;
    }
    g->rp.deliver(g->choice());
    self->quit();
  };
  g->pending = whom.size();
  for (auto i : whom)
    self->request(g->question.peers[i].cluster, std::max(left, std::chrono::milliseconds{1}),
                  blob_atom_v, g->question.sha256)
        .then(
            [g, i, one_done](blob_presence& p) {
              g->answers[i] = p;
              one_done();
            },
            // A hive that does not answer in time is one we do not wait for
            // (its earlier answer, if any, stands).
            [one_done](caf::error&) { one_done(); });
}

} // namespace

caf::behavior mirror_gatherer(caf::event_based_actor* self, mirror_question question) {
  auto g = std::make_shared<gathering>(gathering{std::move(question), {}, {}, {}, 0});
  return {
      [self, g](mirrors_atom) {
        g->rp = self->make_response_promise();
        g->deadline = self->clock().now() + g->question.timeout;
        std::vector<std::size_t> everyone(g->question.peers.size());
        std::iota(everyone.begin(), everyone.end(), std::size_t{0});
        ask(self, g, everyone);
        return g->rp;
      },
      [self, g](wake_atom) { ask(self, g, g->undecided()); },
  };
}

caf::behavior blob_finder(caf::event_based_actor*, std::shared_ptr<const blob_locator> blobs) {
  return {
      [blobs](blob_atom, const std::string& sha256) { return blobs->presence(sha256); },
  };
}

} // namespace hive
