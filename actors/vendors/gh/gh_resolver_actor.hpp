#pragma once

#include "actors/vendors/vendor_context.hpp"

#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <functional>

namespace hive {

/// The first vendor of a GitHub release job: asks the API for the release
/// (a tag, or `latest`), picks the one asset the reference names (a name or
/// a glob), and sends the supervisor `job_files` with one task: the asset's
/// API URL with `Accept: application/octet-stream`, its size and sha256,
/// stored as `<dest_dir>/<asset name>`. Its requests run as an Asio coroutine
/// it owns; a `cancelled` exit stops them at once.
struct gh_resolver_state {
  vendor_context ctx;
  /// Stops the running API requests; empty when none run.
  std::function<void()> cancel_requests;
  static inline const char* name = "gh_resolver";
};

using gh_resolver_actor_type = caf::stateful_actor<gh_resolver_state>;

caf::behavior gh_resolver_actor(gh_resolver_actor_type* self, vendor_context ctx);

} // namespace hive
