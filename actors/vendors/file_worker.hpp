#pragma once

#include "actors/vendors/shared_transfer.hpp"
#include "actors/vendors/vendor_context.hpp"

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include <functional>
#include <memory>

namespace hive {

/// The state of every actor that lands one file of a job (`ctx.task`): an
/// HTTP fetch, an import, later a ranged or a peer fetch. A kind of worker
/// derives from it, adds the static `name` the inspector shows and says how
/// its work starts and how its outcome reads. `run_file_worker` does the
/// rest: the transfer the worker follows (its own, or another job's for the
/// same partial file, see transfer_board.hpp), the claim on the partial
/// file, the exit protocol (a `cancelled` exit detaches the worker; the last
/// one stops the work and deletes the partial once the work has closed it,
/// or after an unwind limit), and the finish step (size and digest checks
/// and rename, once per transfer; links and `file_fetched` to the
/// supervisor, per job).
struct file_worker {
  /// Leaves the transfer, whatever ended the worker.
  virtual ~file_worker();

  /// The job's context; `ctx.voice` speaks as the worker about its file.
  vendor_context ctx;
  file_task task;
  /// The worker's own address, by which it leaves its transfer.
  caf::actor_addr me;
  /// The transfer of `task.part_path` the worker follows.
  std::shared_ptr<shared_transfer> transfer;
  /// Set when a cancellation arrived while the work was running.
  bool cancelling = false;
  /// Set while the worker that opened its transfer asks the cluster which
  /// hives to take the file from (the work has not started).
  bool asking = false;

  /// Whether a failure keeps the partial for a later resume; such a worker
  /// claims the partial file while it writes it, and shares its transfer
  /// with the other jobs that need the same file.
  virtual bool resumes() const = 0;
  /// Starts writing `task.part_path`, reporting to `transfer.observer()`;
  /// the outcome must go to `transfer.deliver`. The work's canceller, or
  /// why it cannot start.
  virtual caf::expected<std::function<void()>> start(shared_transfer& transfer) const = 0;
  /// How this worker hears the transfer's events: its job's narration and
  /// progress.
  virtual net::fetch_observer observer() const = 0;
  /// Tells of a file moved into place.
  virtual void landed(const transfer_result& r) const = 0;
  /// The error a failed outcome ends the worker with: its code and message,
  /// which a kind of worker may explain and tell of.
  virtual caf::error failed(const transfer_result& r) const;
};

/// Runs the worker `st` of `self` for `ctx.task`.
caf::behavior run_file_worker(caf::event_based_actor* self, file_worker& st, vendor_context ctx);

} // namespace hive
