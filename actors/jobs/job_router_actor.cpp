#include "actors/jobs/job_router_actor.hpp"

#include "actors/cluster/cluster_model_list.hpp"
#include "actors/jobs/job_forwarding.hpp"
#include "actors/jobs/job_supervisor_actor.hpp"
#include "actors/jobs/narration_actor.hpp"
#include "actors/inspect/registry_actor.hpp"
#include "actors/vendors/vendor_registry.hpp"
#include "messages/cluster_messages.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "net/api/event_json.hpp"
#include "net/api/model_json.hpp"
#include "net/host/wall_clock.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>

#include <chrono>

namespace hive {

namespace {

/// `job-` and a random (version 4) UUID.
std::string new_job_id() {
  return "job-" + boost::uuids::to_string(boost::uuids::random_generator{}());
}

/// How long a job's supervisor may take to cancel it (below the API's 30 s).
constexpr auto cancel_wait = std::chrono::seconds{20};

std::shared_ptr<job_journal> open_journal(job_router_actor_type* self, const std::string& job_id,
                                          const std::string& operation, const std::string& model,
                                          const std::string& vendor = {}) {
  job_summary summary;
  summary.job_id = job_id;
  summary.hive_id = self->state.settings.hive_id;
  summary.operation = operation;
  summary.model = model;
  summary.vendor = vendor;
  summary.created_ms = wall_clock_ms();
  auto journal = std::make_shared<job_journal>(std::move(summary));
  self->state.board->add(journal);
  return journal;
}

/// Starts queued jobs while there are free slots.
void pump(job_router_actor_type* self) {
  auto& st = self->state;
  while (st.running < st.settings.max_concurrent && !st.queue.empty()) {
    auto id = st.queue.front();
    st.queue.pop_front();
    auto i = st.live.find(id);
    if (i == st.live.end())
      continue;
    i->second.running = true;
    ++st.running;
    self->send(i->second.supervisor, start_atom_v);
  }
}

/// A job ended (or its supervisor died): free its slot.
void retire(job_router_actor_type* self, const std::string& job_id) {
  auto& st = self->state;
  auto i = st.live.find(job_id);
  if (i == st.live.end())
    return;
  if (i->second.running)
    --st.running;
  st.live.erase(i);
  std::erase(st.queue, job_id);
  pump(self);
}

/// Whether two references fetch the same model: the same vendor, place (as
/// the vendor compares them), repository and file. The revision is left out:
/// fetching another revision or release of the same file or repository
/// updates the model, as re-downloading it does.
bool same_source(const model_ref& a, const model_ref& b) {
  return a.vendor == b.vendor && source_place(a) == source_place(b) && a.repo == b.repo
         && a.path == b.path && a.quant == b.quant;
}

/// A live job that uses model `id`: one that writes it, or, when the model's
/// files live in a shared cache, one that fetches from the same repository
/// and so may link the same blobs. Empty when none.
std::string job_using(const job_router_state& st, const std::string& id) {
  for (const auto& [job_id, job] : st.live)
    if (job.holds_model() && job.ref.model_id == id)
      return job_id;
  auto entry = st.entries->brief(id);
  if (!entry || !entry->shares_blobs)
    return {};
  auto ref = parse_model_ref(entry->source);
  if (!ref)
    return {};
  for (const auto& [job_id, job] : st.live)
    if (job.holds_model() && job.ref.vendor == ref->vendor && job.ref.location == ref->location
        && job.ref.repo == ref->repo)
      return job_id;
  return {};
}

caf::error in_use(const std::string& id, const std::string& job_id) {
  return make_error(api_errc::model_in_use,
                    "model '" + id + "' is in use by " + job_id
                        + "; cancel the job or wait until it ends",
                    job_id);
}

/// Has the catalog actor delete a model, refusing while a job uses it; the
/// id stays reserved until the catalog answers, so no download starts
/// writing into a folder that is being removed.
template <class Done, class Failed>
caf::error delete_model(job_router_actor_type* self, const std::string& id, Done done,
                        Failed failed) {
  auto& st = self->state;
  if (auto job_id = job_using(st, id); !job_id.empty())
    return in_use(id, job_id);
  if (st.deleting.contains(id))
    return make_error(api_errc::model_in_use, "model '" + id + "' is being deleted");
  st.deleting.insert(id);
  auto release = [self, id] { self->state.deleting.erase(id); };
  self->request(st.catalog, std::chrono::seconds{30}, caf::delete_atom_v, id)
      .then(
          [release, done](std::string& deleted) mutable {
            release();
            done(deleted);
          },
          [release, failed](caf::error& err) mutable {
            release();
            failed(err);
          });
  return {};
}

caf::result<std::string> accept_download(job_router_actor_type* self, download_spec& spec) {
  auto& st = self->state;
  if (!runs_here(spec.hive_id, st.settings.hive_id))
    return forward_download(self, spec, new_job_id());
  auto ref = parse_model_ref(spec.model);
  if (!ref)
    return std::move(ref.error());
  if (auto err = check_download(spec, *ref, st.settings))
    return err;
  // A job whose end a client has already seen no longer counts. Jobs for one
  // model from one source share their transfers; any other pair would write
  // one folder with two jobs' files.
  for (const auto& [id, job] : st.live)
    if (job.holds_model() && job.ref.model_id == ref->model_id
        && !(shares_transfers(*ref) && same_source(job.ref, *ref)))
      return make_error(api_errc::already_downloading,
                        "model '" + ref->model_id + "' is already being downloaded by " + id
                            + " (" + job.journal->summary().model + ")");
  if (st.deleting.contains(ref->model_id))
    return make_error(api_errc::model_in_use, "model '" + ref->model_id + "' is being deleted");
  if (auto entry = st.entries->brief(ref->model_id); entry && !spec.replace) {
    auto existing = parse_model_ref(entry->source);
    if (!existing || !same_source(*existing, *ref))
      return make_error(api_errc::model_exists,
                        "the catalog already has a model '" + ref->model_id + "' from "
                            + entry->source + "; send \"replace\": true to replace it");
  }
  if (st.running >= st.settings.max_concurrent && st.queue.size() >= st.settings.max_queued)
    return make_error(api_errc::too_many_jobs,
                      std::to_string(st.queue.size())
                          + " jobs are already waiting for a download slot (--max-queued "
                          + std::to_string(st.settings.max_queued) + "); try again later");
  auto job_id = new_job_id();
  auto journal = open_journal(self, job_id, "model_download", spec.model, ref->vendor);
  auto stats = std::make_shared<actor_stats>();
  auto max_rate = std::make_shared<net::rate_limit>(spec.max_rate);
  job_plan plan{job_id,     *ref,    spec.model, spec.sha256, spec.include, spec.exclude,
                spec.token, journal, st.catalog, st.registry, st.settings,  st.make_vendors,
                stats,      max_rate};
  auto sup = spawn_announced<caf::linked + caf::monitored>(
      *self, st.registry, actor_info{"job_supervisor", job_id, self->id(), stats},
      job_supervisor_actor, caf::actor_cast<caf::actor>(self), plan);
  st.live[job_id] = {sup, std::move(*ref), journal, false, std::move(max_rate)};
  st.queue.push_back(job_id);
  pump(self);
  return job_id;
}

/// Changes a live job's own cap at once: its transfers share the object.
caf::result<std::uint64_t> change_max_rate(job_router_actor_type* self, const std::string& job_id,
                                           std::uint64_t rate) {
  auto& st = self->state;
  if (auto r = st.relays.find(job_id); r != st.relays.end() && !r->second.journal->finished())
    return change_relayed_max_rate(self, r->second.relay, rate);
  auto i = st.live.find(job_id);
  if (i == st.live.end() || i->second.journal->finished()) {
    if (st.board->find(job_id))
      return make_error(api_errc::job_finished, "job " + job_id + " has ended");
    return make_error(api_errc::not_found, "no job " + job_id);
  }
  i->second.max_rate->set(rate);
  self->send(i->second.supervisor, max_rate_atom_v, rate);
  return net::lowest_rate({i->second.max_rate, st.settings.max_rate});
}

/// Catalog operations are instant jobs: one `data` event, then the end. A
/// delete of a model in use is refused before it becomes a job.
caf::result<std::string> accept_model_op(job_router_actor_type* self, const std::string& op,
                                         const std::string& model_id, const std::string& hive_id) {
  auto& st = self->state;
  auto here = runs_here(hive_id, st.settings.hive_id);
  if (!here && op != "model_list")
    return make_error(api_errc::invalid_field,
                      op + " runs on the hive that holds the model: send it to the API of hive '"
                          + hive_id + "' (model_list takes another hive, or \"*\" for all)");
  if (op == "model_delete")
    if (auto job_id = job_using(st, model_id); !job_id.empty())
      return in_use(model_id, job_id);
  auto job_id = new_job_id();
  auto journal = open_journal(self, job_id, op, model_id);
  auto done = [journal, op](const std::string& payload) {
    journal->append("data", data_event_json(op, payload));
    journal->finish(job_phase::completed, "", "", terminal_data(job_phase::completed, "", ""),
                    wall_clock_ms());
  };
  auto failed = [journal](const caf::error& err) {
    auto view = describe(err);
    journal->finish(job_phase::failed, view.code, view.message,
                    terminal_data(job_phase::failed, view.code, view.message), wall_clock_ms());
  };
  journal->set_state(job_phase::running, wall_clock_ms());
  auto timeout = std::chrono::seconds{30};
  if (op == "model_list" && !here)
    gather_catalogs(
        self, {st.settings.hive_id, st.catalog, st.cluster, st.settings.forward_timeout}, hive_id,
        [self, journal, job_id, hive_id, done, failed](gathered_catalogs found) {
          for (const auto& miss : found.failures)
            narrate_unanswered(*journal, job_id, miss);
          if (hive_id != "*" && found.catalogs.empty())
            failed(found.failures.front().reason);
          else
            done(cluster_models_json(found.catalogs));
        });
  else if (op == "model_list")
    self->request(st.catalog, timeout, list_atom_v)
        .then([done](const std::vector<model_record>& models) { done(models_json(models)); },
              failed);
  else if (op == "model_get")
    self->request(st.catalog, timeout, caf::get_atom_v, model_id)
        .then([done](const model_record& model) { done(model_json(model)); }, failed);
  else if (auto err = delete_model(
               self, model_id, [done](const std::string& id) { done(model_deleted_json(id)); },
               failed))
    failed(err);
  return job_id;
}

} // namespace

caf::behavior job_router_actor(job_router_actor_type* self, job_settings settings,
                               std::shared_ptr<job_board> board, caf::actor catalog,
                               caf::actor registry, caf::actor cluster,
                               vendor_factory make_vendors) {
  auto& st = self->state;
  st.cluster = std::move(cluster);
  st.settings = std::move(settings);
  st.board = std::move(board);
  st.catalog = std::move(catalog);
  st.registry = std::move(registry);
  st.make_vendors = std::move(make_vendors);
  st.entries.emplace(st.settings.models_dir);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    // Supervisors are linked so that our shutdown reaches them; their own end,
    // even a crash, is the down handler's business and must not take us down.
    if (!msg.reason)
      return;
    for (const auto& [id, job] : self->state.live)
      if (job.supervisor.address() == msg.source)
        return;
    for (const auto& [id, job] : self->state.relays)
      if (job.relay.address() == msg.source)
        return;
    self->quit(msg.reason);
  });
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    if (forget_relay(self, msg))
      return;
    for (auto& [id, job] : st.live) {
      if (job.supervisor.address() != msg.source)
        continue;
      // Normally the job_outcome came first; this covers a supervisor that crashed.
      if (auto journal = st.board->find(id); journal && !journal->finished()) {
        auto view = describe(msg.reason);
        journal->finish(job_phase::failed, "internal", "job supervisor died: " + view.message,
                        terminal_data(job_phase::failed, "internal", "job supervisor died"),
                        wall_clock_ms());
      }
      retire(self, std::string{id});
      return;
    }
  });
  return {
      [self](download_spec& spec) { return accept_download(self, spec); },
      [self](model_op_atom, const std::string& op, const std::string& model_id,
             const std::string& hive_id) { return accept_model_op(self, op, model_id, hive_id); },
      [self](caf::delete_atom, const std::string& model_id) {
        auto promise = self->make_response_promise();
        auto err = delete_model(
            self, model_id, [promise](std::string& id) mutable { promise.deliver(std::move(id)); },
            [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
        if (err)
          promise.deliver(std::move(err));
        return promise;
      },
      [self](cancel_atom, const std::string& job_id) {
        auto& st = self->state;
        auto promise = self->make_response_promise();
        // The supervisor answers once its vendors are down and files are gone,
        // a relay once the other hive says so. Either may also have just ended
        // on its own: then the journal says how. One that crashed never
        // answers: the timeout (below the API's) then lets the journal, failed
        // by the down handler, answer.
        auto cancel_through = [self, promise, journal = st.board->find(job_id)](
                                  const caf::actor& who, std::chrono::seconds timeout) mutable {
          self->request(who, timeout, cancel_atom_v)
              .then([promise](job_phase state) mutable { promise.deliver(state); },
                    [promise, journal](caf::error& err) mutable {
                      if (journal && journal->finished())
                        promise.deliver(journal->summary().state);
                      else
                        promise.deliver(std::move(err));
                    });
        };
        if (auto i = st.live.find(job_id); i != st.live.end()) {
          cancel_through(i->second.supervisor, cancel_wait);
        } else if (auto r = st.relays.find(job_id); r != st.relays.end()) {
          cancel_through(r->second.relay, relayed_cancel_wait);
        } else if (auto journal = st.board->find(job_id)) {
          promise.deliver(journal->summary().state);
        } else {
          promise.deliver(make_error(api_errc::not_found, "no job " + job_id));
        }
        return promise;
      },
      [self](max_rate_atom, const std::string& job_id, std::uint64_t rate) {
        return change_max_rate(self, job_id, rate);
      },
      [self](const job_outcome& outcome) { retire(self, outcome.job_id); },
  };
}

} // namespace hive
