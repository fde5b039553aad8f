#pragma once

#include "messages/transfer_messages.hpp"
#include "net/host/part_file.hpp"
#include "net/http_fetch.hpp"

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/error.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace hive {

/// One transfer into a partial file (`file_task::part_path`) and the file
/// workers, one per job, that need its bytes. The first worker starts the
/// work; the others attach to it (transfer_board.hpp). Every attached worker
/// hears the work's events through its own observer (its job's narration
/// and tracker) and receives its `transfer_result`; the work runs while any
/// worker is attached, and the file is checked and moved into place once for
/// all. Thread-safe: the work reports from its Asio or disk thread.
class shared_transfer : public std::enable_shared_from_this<shared_transfer> {
public:
  /// How far the work is when a worker attaches.
  struct progress {
    /// Whether the source has answered (the bytes are flowing).
    bool responded = false;
    std::uint64_t bytes = 0;
    std::uint64_t total = 0;
    /// Connections the work has open for it.
    std::uint32_t connections = 0;
    /// Bytes from each source so far.
    std::vector<source_bytes> sources;
    /// Set when the work has ended: the attached worker acts on it at once.
    std::optional<transfer_result> result;
  };

  /// `claim` holds the partial file against other writers for as long as
  /// any worker or the work itself needs it. With `deciding`, the first
  /// worker asks the other hives which to take the file from before it runs
  /// the work (`settle`); other workers may attach meanwhile.
  shared_transfer(file_task task, net::part_claim claim, bool deciding = false);

  // -- attaching ---------------------------------------------------------------

  /// Attaches `worker`, which follows the work through `observer`, unless
  /// another job's `task` needs other bytes (another source without a digest
  /// naming the content, or other expected sizes or digests) or the work has
  /// stopped or failed. The first worker attaches before `run`; a later one
  /// only to work under way or ended well. `observer.on_progress` hears at
  /// once how far the work is.
  std::optional<progress> attach(const caf::actor& worker, const file_task& task,
                                 const net::fetch_observer& observer);

  /// Whether any worker is attached.
  bool attended() const;

  /// What the work fetches (fixed for its life).
  const file_task& task() const {
    return task_;
  }

  /// Whether the work takes its bytes from the file's origin: it was given
  /// no other hive to take them from (or has not been yet: `deciding`).
  /// Other hives fetch from such a transfer only (blob_mirrors.hpp).
  bool from_origin() const;

  /// Whether the first worker is still asking the other hives which to take
  /// the file from: `from_origin` may still turn false.
  bool deciding() const;

  /// The first worker has its answer: the work takes its bytes from the
  /// origin alone, or (`from_origin` false) from other hives too.
  void settle(bool from_origin);

  /// The file's size: as the task announced it, else as the source's answer
  /// says (0 until it has answered, or when it does not say).
  std::uint64_t size() const;

  /// Whether the work may still bring the file into place: not stopped, not
  /// failed, and not failed to land. Readers of the partial file (blobs served
  /// to other hives while they land) wait on it.
  bool may_land() const;

  /// Detaches `worker`. When others remain, the work goes on for them. When
  /// it was the last one, a running work stops and nobody may attach any
  /// more; with `await_stop` the worker stays attached to receive the
  /// outcome (the cancelled one, or one already on its way), and `true` says
  /// it must wait for it.
  bool leave(const caf::actor_addr& worker, bool await_stop);

  /// Detaches the first worker, which leaves while still `deciding` (the
  /// work has not run). `true` when other workers remain attached: the
  /// leaver must then start the work for them (from the origin) as it goes.
  /// When none remain, nobody may attach any more.
  bool leave_undecided(const caf::actor_addr& worker);

  // -- the work ----------------------------------------------------------------

  /// The work has started; `canceller` stops it (at once when the last
  /// worker left while it was starting).
  void run(std::function<void()> canceller);

  /// The observer the work reports to: it forwards every event to every
  /// attached worker's observer.
  net::fetch_observer observer();

  /// The work's outcome, sent to every attached worker (any thread, once).
  void deliver(transfer_result r);

  /// Runs `land` (check the finished file, move it into place) for the first
  /// worker that asks; every worker gets that first outcome.
  caf::error land_once(const std::function<caf::error()>& land);

private:
  struct follower {
    caf::actor worker;
    net::fetch_observer observer;
  };

  /// Calls `member` of every attached worker's observer with `args`; the
  /// caller holds the lock, so that workers hear events one at a time.
  template <class Member, class... Args>
  void forward(Member member, const Args&... args) {
    for (auto& f : followers_)
      if (f.observer.*member)
        (f.observer.*member)(args...);
  }

  bool accepts(const file_task& task) const;

  /// The first worker's task: what the work fetches and what it must be.
  const file_task task_;
  const net::part_claim claim_;
  mutable std::mutex mutex_;
  std::vector<follower> followers_;
  progress progress_;
  std::function<void()> canceller_;
  bool started_ = false;
  bool deciding_;
  bool from_origin_;
  /// The last worker left while the work ran.
  bool stopping_ = false;
  /// The outcome of the one landing, once it ran.
  std::optional<caf::error> landed_;
};

} // namespace hive
