#pragma once

#include "net/api/job_journal.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <functional>
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

/// A retry callback for Asio code (net's `on_retry`): narrates "<why>;
/// trying again in 1.5 s (attempt 2)" as `speaker` about `target`.
std::function<void(int attempt, std::chrono::milliseconds delay, const std::string& why)>
narrate_retries(caf::actor narration, std::string speaker, std::string target);

} // namespace hive
