#pragma once

#include "actors/vendors/vendor_context.hpp"

#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

namespace hive {

/// The first vendor of a `local:` job: lists the file or the folder's files
/// (see `list_local_files`) on the disk pool and sends the supervisor
/// `job_files` with one import task each, which `file_import` actors carry out.
struct local_resolver_state {
  vendor_context ctx;
  static inline const char* name = "local_resolver";
};

using local_resolver_actor_type = caf::stateful_actor<local_resolver_state>;

caf::behavior local_resolver_actor(local_resolver_actor_type* self, vendor_context ctx);

} // namespace hive
