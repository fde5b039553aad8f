#pragma once

#include "actors/vendors/vendor_context.hpp"
#include "net/host/part_file.hpp"

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include <functional>

namespace hive {

/// The state of every actor that lands one file of a job (`ctx.task`): an
/// HTTP fetch, an import, later a ranged or a peer fetch. A kind of worker
/// derives from it, adds the static `name` the inspector shows and says how
/// its work starts and how its outcome reads. `run_file_worker` does the
/// rest: the claim on the partial file, the canceller, the exit protocol
/// (a `cancelled` exit stops the work and deletes the partial once the work
/// has closed it, or after an unwind limit), and the finish step (size and
/// digest checks, rename, links, `file_fetched` to the supervisor).
struct file_worker {
  virtual ~file_worker() = default;

  /// The job's context; `ctx.voice` speaks as the worker about its file.
  vendor_context ctx;
  file_task task;
  /// The worker's exclusive claim on the partial file, if it resumes one.
  net::part_claim claim;
  /// Stops the running work; empty when none runs.
  std::function<void()> cancel;
  /// Set when a cancellation arrived while the work was running.
  bool cancelling = false;

  /// Whether a failure keeps the partial for a later resume; such a worker
  /// claims the partial file while it writes it.
  virtual bool resumes() const = 0;
  /// Starts writing `task.part_path`; the outcome must come back to `me` as
  /// a `transfer_result`. The work's canceller, or why it cannot start.
  virtual caf::expected<std::function<void()>> start(const caf::actor& me) const = 0;
  /// Tells of a file moved into place.
  virtual void landed(const transfer_result& r) const = 0;
  /// The error a failed outcome ends the worker with: its code and message,
  /// which a kind of worker may explain and tell of.
  virtual caf::error failed(const transfer_result& r) const;
};

/// Runs the worker `st` of `self` for `ctx.task`.
caf::behavior run_file_worker(caf::event_based_actor* self, file_worker& st, vendor_context ctx);

} // namespace hive
