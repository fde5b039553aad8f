#include "actors/cluster/job_gateway_actor.hpp"

#include "messages/cluster_job_messages.hpp"
#include "messages/cluster_messages.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <spdlog/spdlog.h>

namespace hive {

namespace {

/// A relayed batch carries at most about this many bytes of events, as a
/// stream slice does: a relay far behind costs one slice at a time.
constexpr std::size_t batch_bytes = 64 * 1024;

/// Sends the relay every event of the job it has not had, then, at the end,
/// forgets the job.
void pump(job_gateway_actor_type* self, const std::string& job_id) {
  auto& st = self->state;
  auto i = st.jobs.find(job_id);
  if (i == st.jobs.end())
    return;
  auto& job = i->second;
  // Cleared before reading: a change after this read sends a new wake-up.
  job.wake_sent->store(false);
  for (;;) {
    auto read = job.journal->read_after(job.cursor, batch_bytes);
    if (read.events.empty())
      return;
    // The summary is read after the events: it is at least as new as they are.
    auto summary = job.journal->summary();
    relayed_batch batch{job_id,
                        {},
                        summary.state,
                        summary.bytes,
                        summary.total,
                        summary.error_code,
                        summary.error_message};
    for (auto& e : read.events)
      batch.events.push_back(relayed_event{std::move(e.name), std::move(e.data)});
    job.cursor = read.events.back().id;
    self->send(job.relay, std::move(batch));
    if (read.ended && !read.more) {
      self->demonitor(job.relay);
      job.journal->unwatch(job.watch_token);
      st.jobs.erase(i);
      return;
    }
  }
}

/// Starts streaming `job_id`'s journal to `relay`; false when the board does
/// not have it (it keeps a thousand finished jobs: not one just accepted).
bool follow(job_gateway_actor_type* self, const std::string& job_id, caf::actor relay) {
  auto& st = self->state;
  auto journal = st.board->find(job_id);
  if (!journal)
    return false;
  auto wake_sent = std::make_shared<std::atomic<bool>>(false);
  auto weak = caf::actor_cast<caf::weak_actor_ptr>(self);
  // Called on the journal writer's thread: it must not block, and it must
  // not keep the gateway alive.
  auto token = journal->watch([weak, wake_sent, job_id] {
    if (wake_sent->exchange(true))
      return;
    if (auto strong = weak.lock())
      caf::anon_send(caf::actor_cast<caf::actor>(strong), wake_atom_v, job_id);
  });
  self->monitor(relay);
  st.jobs[job_id] = {std::move(relay), std::move(journal), 0, token, std::move(wake_sent)};
  pump(self, job_id);
  return true;
}

caf::result<std::string, caf::actor> accept(job_gateway_actor_type* self, download_spec& spec,
                                            caf::actor relay) {
  auto& st = self->state;
  if (!runs_here(spec.hive_id, st.hive_id))
    return make_error(api_errc::unknown_hive,
                      "this is hive '" + st.hive_id + "', not '" + spec.hive_id + "'");
  auto promise = self->make_response_promise<std::string, caf::actor>();
  self->request(st.router, st.timeout, std::move(spec))
      .then(
          [self, promise, relay](std::string& job_id) mutable {
            if (!follow(self, job_id, relay)) {
              promise.deliver(make_error(api_errc::internal, "job " + job_id + " has no journal"));
              return;
            }
            spdlog::info("job {} runs here for another hive", job_id);
            promise.deliver(job_id, caf::actor_cast<caf::actor>(self));
          },
          [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
  return promise;
}

} // namespace

job_gateway_state::~job_gateway_state() {
  for (auto& [id, job] : jobs)
    job.journal->unwatch(job.watch_token);
}

caf::behavior job_gateway_actor(job_gateway_actor_type* self, std::string hive_id,
                                caf::actor router, caf::actor catalog,
                                std::shared_ptr<job_board> board) {
  auto& st = self->state;
  st.hive_id = std::move(hive_id);
  st.router = std::move(router);
  st.catalog = std::move(catalog);
  st.board = std::move(board);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    for (auto i = st.jobs.begin(); i != st.jobs.end(); ++i) {
      if (i->second.relay.address() != msg.source)
        continue;
      spdlog::warn("the hive that asked for job {} went away: cancelling it", i->first);
      i->second.journal->unwatch(i->second.watch_token);
      self->request(st.router, st.timeout, cancel_atom_v, i->first)
          .then([](job_phase) {},
                [id = i->first](const caf::error& err) {
                  spdlog::warn("job {} could not be cancelled: {}", id, caf::to_string(err));
                });
      st.jobs.erase(i);
      return;
    }
  });
  return {
      [self](forward_atom, download_spec& spec, caf::actor& relay) {
        return accept(self, spec, std::move(relay));
      },
      [self](wake_atom, const std::string& job_id) { pump(self, job_id); },
      [self](cancel_atom, const std::string& job_id) {
        // The router answers once the job is down and its journal final: the
        // relay then gets the end before the answer.
        auto promise = self->make_response_promise<job_phase>();
        self->request(self->state.router, self->state.timeout, cancel_atom_v, job_id)
            .then(
                [self, promise, job_id](job_phase state) mutable {
                  pump(self, job_id);
                  promise.deliver(state);
                },
                [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
        return promise;
      },
      [self](max_rate_atom, const std::string& job_id, std::uint64_t rate) {
        return self->delegate(self->state.router, max_rate_atom_v, job_id, rate);
      },
      [self](models_atom) { return self->delegate(self->state.catalog, list_atom_v); },
  };
}

} // namespace hive
