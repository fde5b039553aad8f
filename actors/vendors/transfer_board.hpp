#pragma once

#include "actors/vendors/shared_transfer.hpp"

#include <caf/expected.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace hive {

/// The node's transfers under way, by partial file (`file_task::part_path`),
/// so that jobs which need the same bytes share one transfer: the same blob
/// of the Hub's cache (`blobs/<sha256>`), the same Ollama layer (its digest),
/// the same URL into the same folder. Jobs reach it through
/// `job_settings::transfers`. Its entries are at most the file workers
/// alive (`max_concurrent` x `parallel_files`): one goes with the last
/// worker or work that holds its transfer.
class transfer_board {
public:
  /// A worker's place in a transfer.
  struct seat {
    std::shared_ptr<shared_transfer> transfer;
    /// How far the work was when the worker joined it; none for the worker
    /// that opened it, which starts the work.
    std::optional<shared_transfer::progress> joined;
  };

  /// Attaches `worker` to the transfer of `task.part_path` under way, or else
  /// makes one with `open` (which claims the partial file, or says why it
  /// cannot) and attaches it as the worker that starts it.
  caf::expected<seat>
  join_or_open(const caf::actor& worker, const file_task& task, const net::fetch_observer& observer,
               const std::function<caf::expected<std::shared_ptr<shared_transfer>>()>& open);

  /// Whether a worker still follows the transfer of `part_path`: a job that
  /// leaves it must not remove the partial file then.
  bool in_use(const std::string& part_path) const;

  /// A transfer under way of the content `sha256` (a task with that digest),
  /// if any, one whose size is known first: what other hives may be served
  /// while it lands (those fetching it too may wait for the size).
  std::shared_ptr<shared_transfer> find_content(std::string_view sha256) const;

private:
  mutable std::mutex mutex_;
  std::map<std::string, std::weak_ptr<shared_transfer>> transfers_;
};

} // namespace hive
