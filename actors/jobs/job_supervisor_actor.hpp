#pragma once

#include "actors/jobs/tracker_actor.hpp"
#include "actors/vendors/vendor_context.hpp"
#include "messages/actor_stats.hpp"
#include "net/api/job_journal.hpp"
#include "messages/transfer_messages.hpp"
#include "net/host/space_ledger.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <deque>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace hive {

/// What a job supervisor is given by the router.
struct job_plan {
  std::string job_id;
  model_ref ref;
  /// The reference as the user wrote it.
  std::string source;
  std::string expected_sha256;
  /// Snapshot filters (glob patterns) and a token for this job only.
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::string token;
  std::shared_ptr<job_journal> journal;
  caf::actor catalog;
  caf::actor registry;
  job_settings settings;
  vendor_factory make_vendors;
  /// The supervisor's own figures in the actor registry (its phase as `state`).
  std::shared_ptr<actor_stats> stats;
  /// The job's own cap on bytes per second (none unless set), shared with
  /// the router, which changes it on request while the job runs.
  std::shared_ptr<net::rate_limit> max_rate = std::make_shared<net::rate_limit>();
};

/// One download job: a supervision tree of vendor actors plus the job's
/// tracker and narration actors. It waits for the router's `start_atom`,
/// spawns the job's first vendor, which fetches the file or answers the
/// job's `job_files`; those it hands out to sibling vendors, a few at once.
/// It broadcasts `cancel_atom` to its vendors, collects their results or
/// errors, writes the catalog entry and reports a `job_outcome` to its parent.
struct job_supervisor_state {
  enum class phase { queued, running, finalizing, done };

  job_plan plan;
  phase at = phase::queued;
  caf::actor parent;
  caf::actor tracker;
  /// Speaks as `job_supervisor` to the job's narration actor.
  narrator voice;
  /// What every vendor it spawns starts from.
  vendor_context context;
  /// Vendor actors still alive.
  std::set<caf::actor_addr> vendors;
  /// Files waiting for a vendor.
  std::deque<file_task> pending;
  /// Partial files this job's vendors claimed, removed when it is cancelled.
  std::set<std::string> part_paths;
  /// Files fetched by this job, and files that were already there.
  std::vector<file_fetched> files;
  std::vector<file_fetched> present;
  /// Written once every file is fetched and verified.
  std::vector<file_write> written_last;
  /// The job's promise of disk space for its files, until it ends.
  net::space_hold space;
  bool cancelled = false;
  /// The first vendor failure, which ends the job.
  caf::error failure;
  /// Callers of `cancel_atom`, answered with the final state.
  std::vector<caf::response_promise> cancel_waiters;
  static inline const char* name = "job_supervisor";
};

using job_supervisor_actor_type = caf::stateful_actor<job_supervisor_state>;

caf::behavior job_supervisor_actor(job_supervisor_actor_type* self, caf::actor parent,
                                   job_plan plan);

} // namespace hive
