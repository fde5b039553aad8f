#pragma once

#include "actors/vendors/vendor_context.hpp"
#include "net/host/file_import.hpp"

#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

namespace hive {

/// Imports one local file (`ctx.task`, its `source_path`) into the model's
/// folder: hard link, reflink or copy, hashed either way (see
/// net/host/file_import.hpp), on the node's disk pool, never on an actor thread.
/// Reports progress to the tracker, `file_fetched` to the supervisor, and
/// quits with a typed error on failure. A `cancelled` exit stops the import
/// after its current chunk; the partial file is removed before it goes down.
/// Nothing is kept on failure: there is nothing to resume.
struct file_import_state {
  vendor_context ctx;
  file_task task;
  /// Stops the running import; empty when none runs.
  net::import_canceller cancel_import;
  /// Set when a cancellation arrived while the import was running.
  bool cancelling = false;
  static inline const char* name = "file_import";
};

using file_import_actor_type = caf::stateful_actor<file_import_state>;

caf::behavior file_import_actor(file_import_actor_type* self, vendor_context ctx);

} // namespace hive
