#pragma once

#include "net/api/job_journal.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <memory>
#include <string>

namespace hive {

/// The voice of one job. Bound to its job_id at spawn, so every event it
/// writes carries that id whoever sent the note: nothing depends on
/// thread-local context. It is the only writer of the job's journal.
struct narration_state {
  std::string job_id;
  std::shared_ptr<job_journal> journal;
  static inline const char* name = "narration";
};

using narration_actor_type = caf::stateful_actor<narration_state>;

/// Accepts `narration_note`, `progress_report`, `job_state` and, last,
/// `job_outcome`: it writes the terminal event, answers with the final state
/// and quits.
caf::behavior narration_actor(narration_actor_type* self, std::string job_id,
                              std::shared_ptr<job_journal> journal);


} // namespace hive
