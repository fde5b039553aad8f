#pragma once

#include "messages/job_journal.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace hive {

/// Every job's journal by job id, shared by the router (which adds them) and
/// the HTTP API (which reads them). Finished jobs beyond `max_finished` are
/// forgotten, oldest first, so the board does not grow without bound.
class job_board {
public:
  explicit job_board(std::size_t max_finished = 1000) : max_finished_(max_finished) {
  }

  void add(std::shared_ptr<job_journal> journal);
  std::shared_ptr<job_journal> find(const std::string& job_id) const;
  /// All known jobs, oldest first.
  std::vector<std::shared_ptr<job_journal>> list() const;

private:
  void evict_finished();

  mutable std::mutex mtx_;
  std::size_t max_finished_;
  std::vector<std::shared_ptr<job_journal>> order_;
  std::unordered_map<std::string, std::shared_ptr<job_journal>> by_id_;
};

} // namespace hive
