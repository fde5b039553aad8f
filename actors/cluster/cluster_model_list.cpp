#include "actors/cluster/cluster_model_list.hpp"

#include "actors/cluster/job_relay_actor.hpp"
#include "messages/cluster_messages.hpp"
#include "messages/type_ids.hpp"

#include <caf/event_based_actor.hpp>

#include <algorithm>
#include <memory>

namespace hive {

namespace {

/// One gathering under way: the answers so far and how many are missing.
struct gathering {
  std::string own_hive_id;
  gathered_catalogs found;
  std::size_t pending = 0;
  std::function<void(gathered_catalogs)> done;

  void add(std::string hive_id, std::vector<model_record> models) {
    found.catalogs.push_back({std::move(hive_id), std::move(models)});
    settle();
  }

  void fail(std::string hive_id, caf::error err) {
    found.failures.push_back({std::move(hive_id), std::move(err)});
    settle();
  }

  void settle() {
    if (--pending > 0)
      return;
    std::sort(found.catalogs.begin(), found.catalogs.end(),
              [own = own_hive_id](const hive_catalog& a, const hive_catalog& b) {
                return std::make_pair(a.hive_id != own, a.hive_id)
                       < std::make_pair(b.hive_id != own, b.hive_id);
              });
    done(std::move(found));
  }
};

/// Asks the local catalog, or a remote hive through its cluster actor.
void ask_hive(caf::event_based_actor* self, const cluster_catalogs& where,
              std::shared_ptr<gathering> g, const std::string& hive_id) {
  auto timeout = where.timeout;
  auto add = [g, hive_id](std::vector<model_record>& models) {
    g->add(hive_id, std::move(models));
  };
  auto fail = [g, hive_id](caf::error& err) { g->fail(hive_id, remote_failure(hive_id, err)); };
  if (runs_here(hive_id, where.own_hive_id)) {
    self->request(where.catalog, timeout, list_atom_v).then(add, fail);
    return;
  }
  self->request(where.cluster, timeout, lookup_atom_v, hive_id)
      .then(
          [self, timeout, add, fail](caf::actor& remote) {
            self->request(remote, timeout, models_atom_v).then(add, fail);
          },
          fail);
}

} // namespace

void gather_catalogs(caf::event_based_actor* self, const cluster_catalogs& where,
                     const std::string& scope, std::function<void(gathered_catalogs)> done) {
  auto g = std::make_shared<gathering>();
  g->own_hive_id = where.own_hive_id;
  g->done = std::move(done);
  if (scope != "*" || !where.cluster) {
    g->pending = 1;
    ask_hive(self, where, g, scope == "*" ? where.own_hive_id : scope);
    return;
  }
  self->request(where.cluster, where.timeout, list_atom_v)
      .then(
          [self, where, g](std::vector<hive_status>& hives) {
            std::vector<std::string> up{where.own_hive_id};
            for (const auto& h : hives)
              if (h.state == hive_state::up && !runs_here(h.hive_id, where.own_hive_id))
                up.push_back(h.hive_id);
            g->pending = up.size();
            for (const auto& id : up)
              ask_hive(self, where, g, id);
          },
          [self, where, g](caf::error& err) {
            // Without the cluster's list, this hive's own catalog still answers.
            g->found.failures.push_back({"*", std::move(err)});
            g->pending = 1;
            ask_hive(self, where, g, where.own_hive_id);
          });
}

} // namespace hive
