#include "actors/job_router_actor.hpp"

#include "actors/import_roots.hpp"
#include "actors/job_supervisor_actor.hpp"
#include "actors/narration_actor.hpp"
#include "actors/registry_actor.hpp"
#include "messages/errc.hpp"
#include "messages/json_writer.hpp"
#include "messages/type_ids.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>

#include <chrono>
#include <cstdio>

namespace hive {

namespace {

/// `job-` and a random (version 4) UUID.
std::string new_job_id(std::mt19937_64& rng) {
  auto hi = rng();
  auto lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char buf[48];
  std::snprintf(buf, sizeof(buf), "job-%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xffff),
                static_cast<unsigned>(hi & 0xffff), static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

std::shared_ptr<job_journal> open_journal(job_router_actor_type* self, const std::string& job_id,
                                          const std::string& operation, const std::string& model,
                                          const std::string& vendor = {}) {
  job_summary summary;
  summary.job_id = job_id;
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

/// `a, b` or `none`.
std::string recipe_names(const build_recipes& recipes) {
  std::string names;
  for (const auto& [name, recipe] : recipes)
    names += (names.empty() ? "" : ", ") + name;
  return names.empty() ? "none" : names;
}

caf::result<std::string> accept_download(job_router_actor_type* self, download_spec& spec) {
  auto& st = self->state;
  auto ref = parse_model_ref(spec.model);
  if (!ref)
    return std::move(ref.error());
  if ((!spec.include.empty() || !spec.exclude.empty()) && ref->vendor != "hf")
    return make_error(api_errc::invalid_field,
                      "'include' and 'exclude' select files of a Hugging Face repository");
  if ((!spec.include.empty() || !spec.exclude.empty())
      && (!ref->path.empty() || !ref->quant.empty()))
    return make_error(api_errc::invalid_field, "'include' and 'exclude' apply to a whole "
                                               "repository (hf:org/name), not to one file");
  if (ref->vendor == "local")
    if (auto err = check_import_path(ref->location, st.settings.import_roots))
      return err;
  if (ref->vendor == "build" && !st.settings.recipes.contains(ref->location))
    return make_error(api_errc::not_found, "no build recipe '" + ref->location
                                               + "' on this node (its --recipes file defines "
                                               + recipe_names(st.settings.recipes) + ")");
  for (const auto& [id, job] : st.live)
    if (job.model_id == ref->model_id)
      return make_error(api_errc::already_downloading,
                        "model '" + ref->model_id + "' is already being downloaded by " + id);
  auto job_id = new_job_id(st.rng);
  auto journal = open_journal(self, job_id, "model_download", spec.model, ref->vendor);
  auto stats = std::make_shared<actor_stats>();
  job_plan plan{job_id,     *ref,    spec.model, spec.sha256, spec.include, spec.exclude,
                spec.token, journal, st.catalog, st.registry, st.settings,  st.make_vendors,
                stats};
  auto sup = spawn_announced<caf::linked + caf::monitored>(
      *self, st.registry, actor_info{"job_supervisor", job_id, self->id(), stats},
      job_supervisor_actor, caf::actor_cast<caf::actor>(self), plan);
  st.live[job_id] = {sup, ref->model_id, false};
  st.queue.push_back(job_id);
  pump(self);
  return job_id;
}

/// Catalog operations are instant jobs: one `data` event, then the end.
std::string accept_model_op(job_router_actor_type* self, const std::string& op,
                            const std::string& model_id) {
  auto& st = self->state;
  auto job_id = new_job_id(st.rng);
  auto journal = open_journal(self, job_id, op, model_id);
  auto done = [journal, op](const std::string& payload) {
    journal->append(
        "data",
        json_object{}.field("type", "data").field("action", op).raw("payload", payload).str());
    journal->finish("completed", "", "", "[DONE]", wall_clock_ms());
  };
  auto failed = [journal](const caf::error& err) {
    auto view = describe(err);
    journal->finish("failed", view.code, view.message,
                    terminal_data("failed", view.code, view.message), wall_clock_ms());
  };
  journal->set_state("running", wall_clock_ms());
  auto timeout = std::chrono::seconds{30};
  if (op == "model_list")
    self->request(st.catalog, timeout, list_atom_v).then(done, failed);
  else if (op == "model_get")
    self->request(st.catalog, timeout, caf::get_atom_v, model_id).then(done, failed);
  else
    self->request(st.catalog, timeout, caf::delete_atom_v, model_id).then(done, failed);
  return job_id;
}

} // namespace

caf::behavior job_router_actor(job_router_actor_type* self, job_settings settings,
                               std::shared_ptr<job_board> board, caf::actor catalog,
                               caf::actor registry, vendor_factory make_vendors) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.board = std::move(board);
  st.catalog = std::move(catalog);
  st.registry = std::move(registry);
  st.make_vendors = std::move(make_vendors);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    // Supervisors are linked so that our shutdown reaches them; their own end,
    // even a crash, is the down handler's business and must not take us down.
    if (!msg.reason)
      return;
    for (const auto& [id, job] : self->state.live)
      if (job.supervisor.address() == msg.source)
        return;
    self->quit(msg.reason);
  });
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    for (auto& [id, job] : st.live) {
      if (job.supervisor.address() != msg.source)
        continue;
      // Normally the job_outcome came first; this covers a supervisor that crashed.
      if (auto journal = st.board->find(id); journal && !journal->finished()) {
        auto view = describe(msg.reason);
        journal->finish("failed", "internal", "job supervisor died: " + view.message,
                        terminal_data("failed", "internal", "job supervisor died"),
                        wall_clock_ms());
      }
      retire(self, std::string{id});
      return;
    }
  });
  return {
      [self](download_spec& spec) { return accept_download(self, spec); },
      [self](model_op_atom, const std::string& op, const std::string& model_id) {
        return accept_model_op(self, op, model_id);
      },
      [self](cancel_atom, const std::string& job_id) {
        auto& st = self->state;
        auto promise = self->make_response_promise();
        if (auto i = st.live.find(job_id); i != st.live.end()) {
          // The supervisor answers once its vendors are down and files are gone.
          // It may also have just ended on its own: then the journal says how.
          // A supervisor that crashed never answers: the timeout (below the
          // API's) then lets the journal, failed by the down handler, answer.
          self->request(i->second.supervisor, std::chrono::seconds{20}, cancel_atom_v)
              .then([promise](std::string& state) mutable { promise.deliver(std::move(state)); },
                    [promise, journal = st.board->find(job_id)](caf::error& err) mutable {
                      if (journal && journal->finished())
                        promise.deliver(journal->summary().state);
                      else
                        promise.deliver(std::move(err));
                    });
        } else if (auto journal = st.board->find(job_id)) {
          promise.deliver(journal->summary().state);
        } else {
          promise.deliver(make_error(api_errc::not_found, "no job " + job_id));
        }
        return promise;
      },
      [self](const job_outcome& outcome) { retire(self, outcome.job_id); },
  };
}

} // namespace hive
