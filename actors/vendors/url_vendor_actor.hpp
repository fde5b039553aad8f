#pragma once

#include "actors/vendors/vendor_context.hpp"
#include "net/http_fetch.hpp"
#include "net/host/part_file.hpp"

#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

namespace hive {

/// Downloads one file (`ctx.task`) from an http(s) URL, checks its size and
/// digests, moves it into place and links it where the task says. The
/// transfer runs as an Asio coroutine that this actor owns: it reports
/// progress straight to the tracker, and its result comes back here as a
/// `transfer_result`. A `download_errc::cancelled` exit stops the transfer at
/// once and deletes the partial file; a failure keeps it for a later resume.
struct url_vendor_state {
  vendor_context ctx;
  file_task task;
  /// This vendor's exclusive claim on the task's partial file.
  net::part_claim claim;
  /// Stops the running transfer; empty when none runs.
  net::fetch_canceller cancel_transfer;
  /// Set when a cancellation arrived while the transfer was running.
  bool cancelling = false;
  static inline const char* name = "url_vendor";
};

using url_vendor_actor_type = caf::stateful_actor<url_vendor_state>;

caf::behavior url_vendor_actor(url_vendor_actor_type* self, vendor_context ctx);

/// The task of a reference that names its file directly (`url:`): stored as
/// `<dest_dir>/<file_name>`, checked against the expected sha256 if any.
file_task direct_task(const vendor_context& ctx);

} // namespace hive
