#include "actors/cluster/cluster_members.hpp"

#include "messages/errc.hpp"

#include <algorithm>

namespace hive {

namespace {

/// Bounds of what one report may carry: as the API bounds a model id, and a
/// generous number of models per hive.
constexpr std::size_t max_text = 4096;
constexpr std::size_t max_models = 100000;

} // namespace

bool plausible(const hive_report& report) {
  const auto& s = report.status;
  auto short_enough = [](const std::string& text) { return text.size() <= max_text; };
  return is_valid_hive_id(s.hive_id) && short_enough(s.api_url) && short_enough(report.address)
         && s.models.size() <= max_models
         && std::all_of(s.models.begin(), s.models.end(), short_enough)
         && report.peers.size() <= cluster_members::max_hives
         && std::all_of(report.peers.begin(), report.peers.end(), [&](const hive_card& c) {
              return short_enough(c.hive_id) && short_enough(c.address);
            });
}

cluster_members::cluster_members(std::string own_id) : own_id_(std::move(own_id)) {
}

cluster_members::admission cluster_members::admit(const hive_report& report,
                                                  const caf::actor& handle, std::int64_t now_ms) {
  if (!plausible(report))
    return admission::invalid;
  const auto& id = report.status.hive_id;
  if (id == own_id_)
    return admission::own_id;
  auto i = members_.find(id);
  if (i == members_.end() && members_.size() + 1 >= max_hives)
    return admission::full;
  auto verdict = admission::fresh;
  if (i != members_.end() && i->second.status.state == hive_state::up)
    verdict = i->second.handle == handle ? admission::again : admission::taken;
  if (verdict == admission::taken)
    return verdict;
  auto& m = members_[id];
  m.status = report.status;
  m.status.state = hive_state::up;
  m.status.last_seen_ms = now_ms;
  if (!report.address.empty())
    m.address = report.address;
  m.handle = handle;
  return verdict;
}

bool cluster_members::update(const hive_report& report, const caf::actor_addr& from,
                             std::int64_t now_ms) {
  auto i = members_.find(report.status.hive_id);
  if (i == members_.end() || i->second.status.state != hive_state::up
      || i->second.handle.address() != from || !plausible(report))
    return false;
  auto& m = i->second;
  m.status = report.status;
  m.status.state = hive_state::up;
  m.status.last_seen_ms = now_ms;
  if (!report.address.empty())
    m.address = report.address;
  return true;
}

const cluster_members::member* cluster_members::mark_down(const caf::actor_addr& who) {
  for (auto& [id, m] : members_)
    if (m.status.state == hive_state::up && m.handle.address() == who) {
      m.status.state = hive_state::down;
      return &m;
    }
  return nullptr;
}

std::vector<std::string> cluster_members::learn(const std::vector<hive_card>& cards) {
  std::vector<std::string> dial;
  for (const auto& card : cards) {
    if (card.hive_id == own_id_ || !is_valid_hive_id(card.hive_id) || card.address.empty())
      continue;
    auto i = members_.find(card.hive_id);
    if (i == members_.end()) {
      if (members_.size() + 1 >= max_hives)
        continue;
      auto& m = members_[card.hive_id];
      m.status.hive_id = card.hive_id;
      m.address = card.address;
      dial.push_back(card.address);
    } else if (i->second.status.state == hive_state::down && i->second.address != card.address) {
      i->second.address = card.address;
      dial.push_back(card.address);
    }
  }
  return dial;
}

caf::expected<caf::actor> cluster_members::lookup(const std::string& hive_id) const {
  auto i = members_.find(hive_id);
  if (i == members_.end()) {
    std::string known = own_id_;
    for (const auto& [id, m] : members_)
      known += ", " + id;
    return make_error(api_errc::unknown_hive,
                      "no hive '" + hive_id + "' in the cluster (hives: " + known + ")");
  }
  if (i->second.status.state != hive_state::up)
    return make_error(api_errc::hive_unavailable,
                      i->second.status.last_seen_ms == 0
                          ? "hive '" + hive_id + "' has not been reached yet"
                          : "hive '" + hive_id + "' is down");
  return i->second.handle;
}

bool cluster_members::knows_address(const std::string& address) const {
  return std::any_of(members_.begin(), members_.end(),
                     [&](const auto& entry) { return entry.second.address == address; });
}

std::vector<hive_status> cluster_members::statuses() const {
  std::vector<hive_status> out;
  out.reserve(members_.size());
  for (const auto& [id, m] : members_)
    out.push_back(m.status);
  return out;
}

std::vector<hive_card> cluster_members::cards() const {
  std::vector<hive_card> out;
  out.reserve(members_.size());
  for (const auto& [id, m] : members_)
    out.push_back({id, m.address});
  return out;
}

std::vector<caf::actor> cluster_members::up_handles() const {
  std::vector<caf::actor> out;
  for (const auto& [id, m] : members_)
    if (m.status.state == hive_state::up)
      out.push_back(m.handle);
  return out;
}

} // namespace hive
