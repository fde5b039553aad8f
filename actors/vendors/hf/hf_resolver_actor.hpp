#pragma once

#include "actors/vendors/vendor_context.hpp"

#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <functional>

namespace hive {

/// The first vendor of a Hugging Face job: asks the Hub which files the
/// reference means (one file, the GGUF of a quantisation tag, or a filtered
/// snapshot) at which commit, places them in the Hugging Face cache layout,
/// and sends the supervisor `job_files`: the files to fetch, and the ones the
/// cache already holds. Its Hub requests run as an Asio coroutine it owns; a
/// `cancelled` exit stops them at once.
struct hf_resolver_state {
  vendor_context ctx;
  /// Stops the running Hub requests; empty when none run.
  std::function<void()> cancel_requests;
  static inline const char* name = "hf_resolver";
};

using hf_resolver_actor_type = caf::stateful_actor<hf_resolver_state>;

caf::behavior hf_resolver_actor(hf_resolver_actor_type* self, vendor_context ctx);

} // namespace hive
