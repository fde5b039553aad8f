#pragma once

#include "actors/vendors/file_worker.hpp"

#include <caf/stateful_actor.hpp>

namespace hive {

/// Imports one local file (its `source_path`) into the model's folder: hard
/// link, reflink or copy, hashed either way (see net/host/file_import.hpp),
/// on the node's disk pool, never on an actor thread. The import removes its
/// partial file when it fails or stops: there is nothing to resume.
struct file_import_state : file_worker {
  static inline const char* name = "file_import";
  bool resumes() const override;
  caf::expected<std::function<void()>> start(shared_transfer& transfer) const override;
  net::fetch_observer observer() const override;
  void landed(const transfer_result& r) const override;
};

using file_import_actor_type = caf::stateful_actor<file_import_state>;

caf::behavior file_import_actor(file_import_actor_type* self, vendor_context ctx);

} // namespace hive
