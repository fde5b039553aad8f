#pragma once

#include "messages/job_messages.hpp"
#include "net/api/job_journal.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hive {

/// What a relay is given: the job it stands for here and where it runs.
struct relay_plan {
  /// The job's id on this hive, and its journal (the local stream reads it).
  std::string job_id;
  std::shared_ptr<job_journal> journal;
  /// The hive that runs the job, and its cluster actor (from `lookup_atom`).
  std::string hive_id;
  caf::actor remote;
  download_spec spec;
  /// How long the remote hive may take to accept the job.
  std::chrono::milliseconds timeout{std::chrono::seconds{5}};
  /// How long it may take to cancel it: as long as a supervisor here may.
  std::chrono::milliseconds cancel_timeout{std::chrono::seconds{20}};
};

/// The local face of a job that another hive runs: it forwards the job to
/// that hive's gateway and writes the events the gateway relays into its own
/// journal, each JSON event with `"hive_id"` added and the final marker as it
/// came. It monitors the remote side, so a hive that goes away ends the
/// stream at once with `[ERROR] hive_unavailable: ...`.
struct job_relay_state {
  relay_plan plan;
  /// The remote hive's gateway and the job's id there, once it accepted it.
  caf::actor gateway;
  std::string remote_job_id;
  /// The router's start request, until the remote hive answers it.
  std::optional<caf::response_promise> starting;
  /// The router's cancel requests. Every one of them asks the same, so one
  /// request goes to the other hive and its answer answers them all, once
  /// the relayed end (it normally comes first) is in the journal.
  std::vector<caf::response_promise> cancel_waiters;
  bool cancel_sent = false;
  /// How the other hive says the cancel left the job.
  std::optional<job_phase> confirmed;
  static inline const char* name = "job_relay";
};

using job_relay_actor_type = caf::stateful_actor<job_relay_state>;

/// `start_atom` → `std::string`: the job's id on the remote hive once it
/// accepted the job, else its refusal (as `POST /v1/jobs` there refused it)
/// or `hive_unavailable`; `cancel_atom` → `job_phase`: once the remote hive
/// cancelled the job and removed its partial files; `(max_rate_atom, bytes
/// per second)` → `std::uint64_t`, as the remote router answers;
/// `relayed_batch` from the gateway. Quits once its journal is final and
/// every cancel is answered.
caf::behavior job_relay_actor(job_relay_actor_type* self, relay_plan plan);

/// What this hive says of another that failed to answer: that hive's own
/// refusals (an `api` or `download` error) as they came, CAF's (a timeout, a
/// connection lost) as `hive_unavailable`.
caf::error remote_failure(const std::string& hive_id, const caf::error& err);

} // namespace hive
