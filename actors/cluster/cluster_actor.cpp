#include "actors/cluster/cluster_actor.hpp"

#include "actors/cluster/blob_mirrors.hpp"
#include "actors/cluster/cluster_actor_rows.hpp"

#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "net/host/wall_clock.hpp"

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/node_id.hpp>
#include <caf/sec.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace hive {

namespace {

using self_ptr = cluster_actor_type*;

/// This hive's report as it goes out now: its peers included.
hive_report own_report(self_ptr self) {
  auto report = self->state.own;
  report.status.last_seen_ms = wall_clock_ms();
  report.peers = self->state.members.cards();
  return report;
}

/// The jobs of this hive that hold a download slot now.
std::uint64_t running_jobs(self_ptr self) {
  auto& st = self->state;
  if (!st.board)
    return 0;
  std::uint64_t n = 0;
  for (const auto& journal : st.board->list()) {
    auto job = journal->summary();
    n += job.state == job_phase::running && runs_here(job.hive_id, st.own.status.hive_id);
  }
  return n;
}

void dial(self_ptr self, const std::string& address);

/// Dials `address` again after the backoff its failures so far earned.
void redial_later(self_ptr self, const std::string& address) {
  auto& st = self->state;
  auto& d = st.dials[address];
  auto wait = st.settings.redial_min * (1u << std::min(d.failures, 16u));
  d.busy = true;
  self->delayed_send(self, std::min(wait, st.settings.redial_max), dial_atom_v, address);
}

/// Whether `address` is still worth dialing: a configured peer, or the
/// address of a hive this one knows (and has not reached).
bool wanted(self_ptr self, const std::string& address) {
  auto& st = self->state;
  return st.members.knows_address(address)
         || std::any_of(st.settings.peers.begin(), st.settings.peers.end(),
                        [&](const net::host_port& p) { return p.str() == address; });
}

void dial_failed(self_ptr self, const std::string& address, const std::string& why) {
  auto& st = self->state;
  auto& d = st.dials[address];
  d.busy = false;
  if (!wanted(self, address)) {
    st.dials.erase(address);
    return;
  }
  // The first failure is news; the retries every few seconds after it are not.
  auto level = d.failures == 0 ? spdlog::level::warn : spdlog::level::debug;
  spdlog::log(level, "cluster: cannot join the hive at {}: {} (trying again)", address, why);
  ++d.failures;
  redial_later(self, address);
}

/// Dials every address in `addresses` that is not being dialed already.
void dial_all(self_ptr self, const std::vector<std::string>& addresses) {
  for (const auto& address : addresses)
    dial(self, address);
}

/// Why `verdict` refuses a hive, for the log and the refused hive.
std::string refusal(cluster_members::admission verdict, const hive_report& theirs) {
  const auto& id = theirs.status.hive_id;
  switch (verdict) {
    case cluster_members::admission::own_id:
      return "hive id '" + id + "' is this hive's own";
    case cluster_members::admission::taken:
      return "hive id '" + id + "' is taken by another hive that is up";
    case cluster_members::admission::full:
      return "the cluster has " + std::to_string(cluster_members::max_hives) + " hives already";
    case cluster_members::admission::invalid:
      return "its report breaks the bounds of a hive's id, URL or lists";
    default:
      return {};
  }
}

/// Tells every hive that is up how this one stands, and whom it knows.
void push_status(self_ptr self) {
  auto& st = self->state;
  st.intervals_since_push = 0;
  auto report = own_report(self);
  for (const auto& peer : st.members.up_handles())
    self->send(peer, status_atom_v, report);
}

/// Records a hive that joined or that we joined; monitors a new actor.
cluster_members::admission admit(self_ptr self, const hive_report& theirs, const caf::actor& peer) {
  auto& st = self->state;
  auto verdict = st.members.admit(theirs, peer, wall_clock_ms());
  if (verdict == cluster_members::admission::fresh) {
    self->monitor(peer);
    spdlog::info("cluster: hive {} is up (api {}, cluster address {})", theirs.status.hive_id,
                 theirs.status.api_url, theirs.address.empty() ? "none" : theirs.address);
    // The others learn the newcomer now rather than at the next interval:
    // hives that joined through different peers find each other at once.
    push_status(self);
  }
  if (verdict == cluster_members::admission::fresh || verdict == cluster_members::admission::again)
    dial_all(self, st.members.learn(theirs.peers));
  return verdict;
}

void dial(self_ptr self, const std::string& address) {
  auto& st = self->state;
  auto& d = st.dials[address];
  if (d.busy || !st.dialer)
    return;
  auto target = net::parse_host_port(address);
  if (!target) {
    st.dials.erase(address);
    return;
  }
  d.busy = true;
  self->request(st.dialer, st.settings.connect_timeout, caf::connect_atom_v, target->host,
                target->port)
      .then(
          [=](const caf::node_id& node, caf::strong_actor_ptr& ptr, std::set<std::string>&) {
            if (node == self->node()) { // our own address, named by a peer or the options
              self->state.dials.erase(address);
              return;
            }
            auto peer = caf::actor_cast<caf::actor>(std::move(ptr));
            if (!peer)
              return dial_failed(self, address, "no cluster actor is published there");
            self->request(peer, self->state.settings.connect_timeout, join_atom_v, own_report(self))
                .then(
                    [=](hive_report& theirs) {
                      auto verdict = admit(self, theirs, peer);
                      if (verdict == cluster_members::admission::fresh
                          || verdict == cluster_members::admission::again) {
                        self->state.dials.erase(address);
                        return;
                      }
                      spdlog::error("cluster: ignoring the hive at {}: {}", address,
                                    refusal(verdict, theirs));
                      dial_failed(self, address, refusal(verdict, theirs));
                    },
                    [=](caf::error& err) {
                      auto why = describe(err).message;
                      spdlog::error("cluster: the hive at {} refused this hive: {}", address, why);
                      dial_failed(self, address, "refused: " + why);
                    });
          },
          [=](caf::error& err) {
            auto why = caf::to_string(err);
            // CAF says no more when TLS fails: say what it most likely means.
            if (self->state.settings.tls() && err == caf::sec::disconnect_during_handshake)
              why += " (TLS handshake refused: is its certificate from another CA?)";
            dial_failed(self, address, why);
          });
}

/// Refreshes this hive's own status and pushes it to every hive that is up
/// when it changed, or when `push_every` intervals passed without a push.
void status_interval(self_ptr self) {
  auto& st = self->state;
  auto push = [self](std::vector<std::string> models) {
    auto& st = self->state;
    std::sort(models.begin(), models.end());
    auto jobs = running_jobs(self);
    bool changed = models != st.own.status.models || jobs != st.own.status.jobs_running;
    st.own.status.models = std::move(models);
    st.own.status.jobs_running = jobs;
    if (changed || ++st.intervals_since_push >= st.settings.push_every)
      push_status(self);
  };
  if (!st.catalog)
    return push(st.own.status.models);
  self->request(st.catalog, st.settings.status_interval, list_atom_v)
      .then(
          [push](std::vector<model_record>& records) {
            std::vector<std::string> models;
            models.reserve(records.size());
            for (auto& r : records)
              models.push_back(std::move(r.id));
            push(std::move(models));
          },
          [push, self](caf::error&) { push(self->state.own.status.models); });
}

/// This hive's registry rows for a hive that gathers them, cut at the bound.
caf::result<std::vector<actor_row>> own_rows(self_ptr self) {
  auto& st = self->state;
  if (!st.registry)
    return std::vector<actor_row>{};
  auto rp = self->make_response_promise<std::vector<actor_row>>();
  self->request(st.registry, st.settings.gather_timeout, list_atom_v)
      .then(
          [rp](std::vector<actor_row>& rows) mutable {
            if (rows.size() > max_actor_rows_per_hive)
              rows.resize(max_actor_rows_per_hive);
            rp.deliver(std::move(rows));
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

/// Gathers every hive's rows: this one and each `up` hive through their
/// cluster actors; the down ones are unreachable without asking.
caf::result<cluster_actor_rows> every_hives_rows(self_ptr self) {
  auto& st = self->state;
  const auto& own_id = st.own.status.hive_id;
  std::vector<rows_source> asked{{own_id, caf::actor{self}}};
  std::vector<std::string> down;
  for (const auto& hive : st.members.statuses()) {
    auto handle = st.members.lookup(hive.hive_id); // an error for a hive that is down
    if (hive.state == hive_state::up && handle && *handle)
      asked.push_back({hive.hive_id, std::move(*handle)});
    else
      down.push_back(hive.hive_id);
  }
  auto rp = self->make_response_promise<cluster_actor_rows>();
  gather_actor_rows(self, own_id, std::move(asked), std::move(down), st.settings.gather_timeout,
                    [rp](cluster_actor_rows rows) mutable { rp.deliver(std::move(rows)); });
  return rp;
}

/// Hands a request of another hive on to this hive's job gateway, which
/// answers it; before the runtime has started the actor there is none.
template <class... Ts>
caf::response_promise to_gateway(cluster_actor_type* self, Ts&&... xs) {
  auto rp = self->make_response_promise();
  if (self->state.gateway)
    rp.delegate(self->state.gateway, std::forward<Ts>(xs)...);
  else
    rp.deliver(make_error(api_errc::hive_unavailable,
                          "hive " + self->state.own.status.hive_id + " is still starting"));
  return rp;
}

} // namespace

caf::behavior cluster_actor(cluster_actor_type* self, cluster_settings settings,
                            std::string hive_id, caf::actor catalog, caf::actor registry,
                            std::shared_ptr<job_board> board, caf::io::middleman_actor dialer,
                            std::shared_ptr<const blob_locator> blobs) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.catalog = std::move(catalog);
  st.registry = std::move(registry);
  st.board = std::move(board);
  st.dialer = std::move(dialer);
  st.members = cluster_members{hive_id};
  st.own.status.hive_id = std::move(hive_id);
  st.own.status.state = hive_state::up;
  // Linked: it goes when this actor does.
  if (blobs && !st.settings.blob_secret.empty())
    st.blob_finder = self->spawn<caf::detached + caf::linked>(blob_finder, std::move(blobs));
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    auto* gone = st.members.mark_down(msg.source);
    if (!gone)
      return;
    spdlog::warn("cluster: hive {} is down ({})", gone->status.hive_id, caf::to_string(msg.reason));
    if (!gone->address.empty()) {
      st.dials[gone->address] = {};
      redial_later(self, gone->address);
    }
  });
  return {
      [self](start_atom, std::string& api_url, std::string& address, caf::actor& gateway) {
        auto& st = self->state;
        if (auto from = self->current_sender(); from && from->node() != self->node())
          return; // another hive holds our handle: it may not set us up
        st.gateway = std::move(gateway);
        st.own.status.api_url = std::move(api_url);
        st.own.address = std::move(address);
        for (const auto& peer : st.settings.peers)
          dial(self, peer.str());
        status_interval(self);
        self->delayed_send(self, st.settings.status_interval, heartbeat_atom_v);
      },
      [self](heartbeat_atom) {
        status_interval(self);
        self->delayed_send(self, self->state.settings.status_interval, heartbeat_atom_v);
      },
      [self](dial_atom, const std::string& address) {
        self->state.dials[address].busy = false;
        if (!wanted(self, address))
          return static_cast<void>(self->state.dials.erase(address));
        dial(self, address);
      },
      [self](join_atom, hive_report& theirs) -> caf::result<hive_report> {
        auto peer = caf::actor_cast<caf::actor>(self->current_sender());
        if (!peer) // a join is a request: only an actor can be monitored
          return make_error(api_errc::invalid_field, "a hive joins from its cluster actor");
        auto verdict = admit(self, theirs, peer);
        if (verdict == cluster_members::admission::fresh
            || verdict == cluster_members::admission::again)
          return own_report(self);
        auto why = refusal(verdict, theirs);
        spdlog::error("cluster: refused a hive joining from {} (api {}): {}",
                      theirs.address.empty() ? "an address it does not listen on" : theirs.address,
                      theirs.status.api_url, why);
        return make_error(api_errc::invalid_field, why);
      },
      [self](status_atom, hive_report& theirs) {
        auto& st = self->state;
        auto from = caf::actor_cast<caf::actor_addr>(self->current_sender());
        if (st.members.update(theirs, from, wall_clock_ms()))
          dial_all(self, st.members.learn(theirs.peers));
      },
      [self](list_atom) {
        auto& st = self->state;
        auto own = st.own.status;
        own.jobs_running = running_jobs(self);
        own.last_seen_ms = wall_clock_ms();
        std::vector<hive_status> hives{std::move(own)};
        for (auto& s : st.members.statuses())
          hives.push_back(std::move(s));
        return hives;
      },
      [self](forward_atom, download_spec& spec, caf::actor& relay) {
        return to_gateway(self, forward_atom_v, std::move(spec), std::move(relay));
      },
      [self](models_atom) { return to_gateway(self, models_atom_v); },
      [self](actors_atom) { return own_rows(self); },
      [self](list_atom, actors_atom) { return every_hives_rows(self); },
      [self](blob_atom, std::string& sha256) {
        auto rp = self->make_response_promise();
        if (self->state.blob_finder && is_sha256_hex(sha256))
          rp.delegate(self->state.blob_finder, blob_atom_v, std::move(sha256));
        else
          rp.deliver(blob_presence{});
        return rp;
      },
      [self](mirrors_atom, const std::string& sha256) { return gather_mirrors(self, sha256); },
      [self](lookup_atom, const std::string& hive_id) -> caf::result<caf::actor> {
        if (hive_id == self->state.own.status.hive_id)
          return caf::actor{self};
        auto found = self->state.members.lookup(hive_id);
        if (!found)
          return std::move(found.error());
        return std::move(*found);
      },
  };
}

} // namespace hive
