#include "actors/cluster/cluster_actor_rows.hpp"

#include "messages/type_ids.hpp"

#include <caf/event_based_actor.hpp>

#include <algorithm>
#include <map>
#include <memory>

namespace hive {

namespace {

/// One gathering under way: the answers so far and how many are missing.
struct gathering {
  std::string own_hive_id;
  /// Each hive's rows, by id.
  std::map<std::string, std::vector<actor_row>> found;
  std::vector<std::string> unreachable;
  std::size_t pending = 0;
  std::function<void(cluster_actor_rows)> done;

  void add(const std::string& hive_id, std::vector<actor_row> rows) {
    if (rows.size() > max_actor_rows_per_hive)
      rows.resize(max_actor_rows_per_hive);
    for (auto& row : rows)
      row.hive_id = hive_id;
    found[hive_id] = std::move(rows);
    settle();
  }

  void fail(const std::string& hive_id) {
    unreachable.push_back(hive_id);
    settle();
  }

  void settle() {
    if (--pending > 0)
      return;
    cluster_actor_rows out;
    auto append = [&out](std::vector<actor_row>& rows) {
      std::move(rows.begin(), rows.end(), std::back_inserter(out.actors));
    };
    if (auto own = found.find(own_hive_id); own != found.end()) {
      append(own->second);
      found.erase(own);
    }
    for (auto& [id, rows] : found)
      append(rows);
    std::sort(unreachable.begin(), unreachable.end());
    out.unreachable = std::move(unreachable);
    done(std::move(out));
  }
};

} // namespace

void gather_actor_rows(caf::event_based_actor* self, const std::string& own_hive_id,
                       std::vector<rows_source> asked, std::vector<std::string> down,
                       std::chrono::milliseconds timeout,
                       std::function<void(cluster_actor_rows)> done) {
  auto g = std::make_shared<gathering>();
  g->own_hive_id = own_hive_id;
  g->unreachable = std::move(down);
  g->done = std::move(done);
  // One more than the hives asked, settled below: `done` comes once even
  // when nobody is asked, and never before every request is out.
  g->pending = asked.size() + 1;
  for (auto& hive : asked)
    self->request(hive.cluster, timeout, actors_atom_v)
        .then([g, id = hive.hive_id](std::vector<actor_row>& rows) { g->add(id, std::move(rows)); },
              [g, id = hive.hive_id](caf::error&) { g->fail(id); });
  g->settle();
}

} // namespace hive
