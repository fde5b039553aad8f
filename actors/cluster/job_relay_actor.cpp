#include "actors/cluster/job_relay_actor.hpp"

#include "messages/cluster_job_messages.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "net/api/event_json.hpp"
#include "net/host/wall_clock.hpp"

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>

namespace hive {

namespace {

bool is_final(job_phase state) {
  return state == job_phase::completed || state == job_phase::failed
         || state == job_phase::cancelled;
}

/// A relay has nothing left to do once its journal is final, the router has
/// its answer and every cancel is answered.
void quit_when_done(job_relay_actor_type* self) {
  auto& st = self->state;
  if (st.plan.journal->finished() && !st.starting && st.cancel_waiters.empty())
    self->quit();
}

/// Answers every cancel waiting with `answer`.
template <class Answer>
void answer_cancels(job_relay_actor_type* self, const Answer& answer) {
  auto& st = self->state;
  for (auto& promise : st.cancel_waiters)
    promise.deliver(answer);
  st.cancel_waiters.clear();
}

/// Answers the cancels once the other hive confirmed and the end it caused
/// is in the journal, so that a client told `cancelled` finds the stream ended.
void answer_confirmed_cancels(job_relay_actor_type* self) {
  auto& st = self->state;
  if (st.confirmed && st.plan.journal->finished())
    answer_cancels(self, *st.confirmed);
}

/// The remote hive (its cluster actor or its gateway) is down: nothing more
/// will come, and nobody can say how the job ended there.
void hive_gone(job_relay_actor_type* self) {
  auto& st = self->state;
  auto gone =
      make_error(api_errc::hive_unavailable,
                 "hive " + st.plan.hive_id + " went away; the state of its job "
                     + (st.remote_job_id.empty() ? std::string{"(not started)"} : st.remote_job_id)
                     + " there is unknown");
  auto view = describe(gone);
  st.plan.journal->finish(job_phase::failed, view.code, view.message,
                          terminal_data(job_phase::failed, view.code, view.message),
                          wall_clock_ms());
  if (st.starting)
    st.starting->deliver(gone);
  answer_cancels(self, gone);
  self->quit();
}

/// Writes a gateway's batch into the journal: JSON events with the remote
/// hive's id added, the end as it came.
void write(job_relay_actor_type* self, relayed_batch& batch) {
  auto& st = self->state;
  auto& journal = *st.plan.journal;
  for (auto& e : batch.events) {
    if (e.name == "end") {
      auto state = is_final(batch.state) ? batch.state : job_phase::failed;
      journal.finish(state, std::move(batch.error_code), std::move(batch.error_message),
                     std::move(e.data), wall_clock_ms());
    } else if (e.name == "progress") {
      journal.append_progress(with_hive_id(e.data, st.plan.hive_id), batch.bytes, batch.total);
    } else {
      journal.append(std::move(e.name), with_hive_id(e.data, st.plan.hive_id));
    }
  }
  if (!is_final(batch.state))
    journal.set_state(batch.state, wall_clock_ms());
  answer_confirmed_cancels(self);
  quit_when_done(self);
}

} // namespace

caf::error remote_failure(const std::string& hive_id, const caf::error& err) {
  if (err.category() == caf::atom("api") || err.category() == caf::atom("download"))
    return err;
  return make_error(api_errc::hive_unavailable,
                    "hive " + hive_id + " did not answer: " + describe(err).message);
}

caf::behavior job_relay_actor(job_relay_actor_type* self, relay_plan plan) {
  self->state.plan = std::move(plan);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    if (msg.source == st.plan.remote.address() || msg.source == st.gateway.address())
      hive_gone(self);
  });
  return {
      [self](start_atom) {
        auto& st = self->state;
        auto promise = self->make_response_promise();
        st.starting = promise;
        self->monitor(st.plan.remote);
        self->request(st.plan.remote, st.plan.timeout, forward_atom_v, st.plan.spec,
                      caf::actor_cast<caf::actor>(self))
            .then(
                [self](std::string& remote_job_id, caf::actor& gateway) {
                  auto& st = self->state;
                  if (!st.starting) // the hive went away meanwhile
                    return;
                  st.remote_job_id = remote_job_id;
                  st.gateway = std::move(gateway);
                  self->monitor(st.gateway);
                  st.starting->deliver(std::move(remote_job_id));
                  st.starting.reset();
                  quit_when_done(self);
                },
                [self](caf::error& err) {
                  auto& st = self->state;
                  if (!st.starting)
                    return;
                  st.starting->deliver(remote_failure(st.plan.hive_id, err));
                  st.starting.reset();
                  self->quit();
                });
        return promise;
      },
      [self](relayed_batch& batch) { write(self, batch); },
      [self](cancel_atom) {
        auto& st = self->state;
        auto promise = self->make_response_promise();
        if (st.plan.journal->finished()) {
          promise.deliver(st.plan.journal->summary().state);
          return promise;
        }
        st.cancel_waiters.push_back(promise);
        if (st.cancel_sent)
          return promise;
        st.cancel_sent = true;
        self->request(st.gateway, st.plan.cancel_timeout, cancel_atom_v, st.remote_job_id)
            .then(
                [self](job_phase state) {
                  self->state.confirmed = state;
                  answer_confirmed_cancels(self);
                  quit_when_done(self);
                },
                [self](caf::error& err) {
                  self->state.cancel_sent = false; // a later cancel may try again
                  answer_cancels(self, remote_failure(self->state.plan.hive_id, err));
                  quit_when_done(self);
                });
        return promise;
      },
      [self](max_rate_atom, std::uint64_t rate) {
        auto& st = self->state;
        return self->delegate(st.gateway, max_rate_atom_v, st.remote_job_id, rate);
      },
  };
}

} // namespace hive
