#pragma once

#include "net/api/job_journal.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace hive {

/// Every job's journal by job id, shared by the router (which adds them) and
/// the HTTP API (which reads them). Finished jobs beyond `max_finished`, or
/// beyond `finished_bytes` in all, are forgotten, oldest first, so the board
/// does not grow without bound.
class job_board {
public:
  /// The finished jobs' total budget in production.
  static constexpr std::size_t default_finished_bytes = 64 * 1024 * 1024;

  explicit job_board(std::size_t max_finished = 1000,
                     std::size_t finished_bytes = default_finished_bytes)
    : max_finished_(max_finished), finished_bytes_(finished_bytes) {
  }

  void add(std::shared_ptr<job_journal> journal);
  std::shared_ptr<job_journal> find(const std::string& job_id) const;
  /// All known jobs, oldest first.
  std::vector<std::shared_ptr<job_journal>> list() const;

private:
  void evict_finished();

  mutable std::mutex mtx_;
  std::size_t max_finished_;
  std::size_t finished_bytes_;
  std::vector<std::shared_ptr<job_journal>> order_;
  std::unordered_map<std::string, std::shared_ptr<job_journal>> by_id_;
};

} // namespace hive
