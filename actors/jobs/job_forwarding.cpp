#include "actors/jobs/job_forwarding.hpp"

#include "actors/cluster/job_relay_actor.hpp"
#include "actors/inspect/registry_actor.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "net/api/event_json.hpp"
#include "net/host/wall_clock.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>

#include <algorithm>

namespace hive {

namespace {

/// The journal of a relayed job, not yet on the board: it goes there once
/// the other hive accepted the job.
std::shared_ptr<job_journal> relay_journal(const std::string& job_id, const download_spec& spec) {
  job_summary summary;
  summary.job_id = job_id;
  summary.hive_id = spec.hive_id;
  summary.operation = "model_download";
  summary.model = spec.model;
  if (auto ref = parse_model_ref(spec.model))
    summary.vendor = ref->vendor;
  summary.created_ms = wall_clock_ms();
  return std::make_shared<job_journal>(std::move(summary));
}

void start_relay(job_router_actor_type* self, caf::response_promise promise, download_spec spec,
                 std::string job_id, caf::actor remote) {
  auto& st = self->state;
  auto journal = relay_journal(job_id, spec);
  auto hive_id = spec.hive_id;
  relay_plan plan{
      job_id, journal, hive_id, std::move(remote), std::move(spec), st.settings.forward_timeout};
  auto relay = spawn_announced<caf::linked + caf::monitored>(
      *self, st.registry, actor_info{"job_relay", job_id, self->id(), {}}, job_relay_actor,
      std::move(plan));
  st.relays[job_id] = {relay, journal};
  // The relay answers within its own timeout, or when the hive goes away.
  self->request(relay, caf::infinite, start_atom_v)
      .then(
          [self, promise, job_id, journal](const std::string&) mutable {
            self->state.board->add(journal);
            promise.deliver(job_id);
          },
          [self, promise, job_id](caf::error& err) mutable {
            self->state.relays.erase(job_id);
            promise.deliver(std::move(err));
          });
}

} // namespace

caf::result<std::string> forward_download(job_router_actor_type* self, download_spec& spec,
                                          std::string job_id) {
  auto& st = self->state;
  if (!st.cluster)
    return make_error(api_errc::unknown_hive, "hive '" + spec.hive_id + "' is unknown: this hive ('"
                                                  + st.settings.hive_id + "') is in no cluster");
  // A relay whose journal is final is not under way: its cancel may have
  // been answered already while the relay itself still winds down.
  auto under_way =
      static_cast<std::size_t>(std::count_if(st.relays.begin(), st.relays.end(), [](const auto& r) {
        return !r.second.journal->finished();
      }));
  if (under_way >= st.settings.max_queued)
    return make_error(api_errc::too_many_jobs,
                      std::to_string(under_way)
                          + " jobs forwarded to other hives are under way (--max-queued "
                          + std::to_string(st.settings.max_queued) + "); try again later");
  auto promise = self->make_response_promise();
  auto hive_id = spec.hive_id;
  self->request(st.cluster, st.settings.forward_timeout, lookup_atom_v, hive_id)
      .then(
          [self, promise, spec = std::move(spec), job_id](caf::actor& remote) mutable {
            start_relay(self, promise, std::move(spec), std::move(job_id), std::move(remote));
          },
          [promise, hive_id](caf::error& err) mutable {
            promise.deliver(remote_failure(hive_id, err));
          });
  return promise;
}

caf::result<std::uint64_t> change_relayed_max_rate(job_router_actor_type* self,
                                                   const caf::actor& relay, std::uint64_t rate) {
  auto promise = self->make_response_promise<std::uint64_t>();
  self->request(relay, self->state.settings.forward_timeout, max_rate_atom_v, rate)
      .then([promise](std::uint64_t binding) mutable { promise.deliver(binding); },
            [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
  return promise;
}

bool forget_relay(job_router_actor_type* self, const caf::down_msg& msg) {
  auto& st = self->state;
  for (auto i = st.relays.begin(); i != st.relays.end(); ++i) {
    if (i->second.relay.address() != msg.source)
      continue;
    if (!i->second.journal->finished()) {
      auto view = describe(msg.reason);
      i->second.journal->finish(job_phase::failed, "internal", "job relay died: " + view.message,
                                terminal_data(job_phase::failed, "internal", "job relay died"),
                                wall_clock_ms());
    }
    st.relays.erase(i);
    return true;
  }
  return false;
}

void narrate_unanswered(job_journal& journal, const std::string& job_id,
                        const catalog_failure& miss) {
  auto view = describe(miss.reason);
  auto human = miss.hive_id == "*"
                   ? "the cluster did not list its hives, so only this hive's models are listed: "
                   : "the models of hive " + miss.hive_id + " are not listed: ";
  narration_note note{"job_router", "hive_unanswered", miss.hive_id,
                      human + view.code + ": " + view.message, narration_level::warn};
  journal.append("narration", narration_event_json(job_id, note, wall_clock_ms()));
}

} // namespace hive
