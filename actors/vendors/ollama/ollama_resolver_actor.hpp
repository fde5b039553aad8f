#pragma once

#include "actors/vendors/vendor_context.hpp"
#include "net/cancellable.hpp"

#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

namespace hive {

/// The first vendor of an Ollama job: fetches the model's manifest from the
/// registry (answering its bearer-token challenge), and sends the supervisor
/// `job_files`: one task per blob the store lacks (fetched and verified
/// against its digest by sibling URL vendors), the blobs already there, and
/// the manifest, written last once every blob is verified.
struct ollama_resolver_state {
  vendor_context ctx;
  /// Stops the running registry requests; empty when none run.
  net::canceller cancel_requests;
  static inline const char* name = "ollama_resolver";
};

using ollama_resolver_actor_type = caf::stateful_actor<ollama_resolver_state>;

caf::behavior ollama_resolver_actor(ollama_resolver_actor_type* self, vendor_context ctx);

} // namespace hive
