#pragma once

#include "actors/vendors/vendor_context.hpp"
#include "net/host/child_process.hpp"

#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <memory>

namespace hive {

/// The first vendor of a `build:<recipe>` job: runs the node's recipe as a
/// child process in its own process group (see net/host/child_process.hpp),
/// narrates its output lines (rate-limited) and reports its progress to the
/// tracker as the file `build`: `bytes` of `total` 100 are the percentage
/// its output shows (`[ 42%]`, `[3/10]` or the recipe's pattern); a build
/// that shows none reports its outputs' bytes so far, total unknown. When
/// it succeeds, it sends the supervisor `job_files` that import the outputs
/// (as `local:` does). A cancel kills the process group; a cancel or a
/// failure removes the outputs, which are never half-trusted.
struct build_state {
  vendor_context ctx;
  build_recipe recipe;
  /// The running build; empty before it starts and once it is reaped.
  std::unique_ptr<net::child_process> process;
  /// Set when a cancellation arrived while the build was running.
  bool cancelling = false;
  static inline const char* name = "build";
};

using build_actor_type = caf::stateful_actor<build_state>;

caf::behavior build_actor(build_actor_type* self, vendor_context ctx);

} // namespace hive
