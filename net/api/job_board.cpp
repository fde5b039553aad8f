#include "net/api/job_board.hpp"

#include <algorithm>

namespace hive {

void job_board::add(std::shared_ptr<job_journal> journal) {
  std::lock_guard guard{mtx_};
  by_id_[journal->summary().job_id] = journal;
  order_.push_back(std::move(journal));
  evict_finished();
}

std::shared_ptr<job_journal> job_board::find(const std::string& job_id) const {
  std::lock_guard guard{mtx_};
  auto i = by_id_.find(job_id);
  return i == by_id_.end() ? nullptr : i->second;
}

std::vector<std::shared_ptr<job_journal>> job_board::list() const {
  std::lock_guard guard{mtx_};
  return order_;
}

void job_board::evict_finished() {
  std::size_t finished = 0;
  std::size_t bytes = 0;
  for (const auto& journal : order_)
    if (journal->finished()) {
      ++finished;
      bytes += journal->bytes();
    }
  auto over = [&] { return finished > max_finished_ || bytes > finished_bytes_; };
  for (auto i = order_.begin(); over() && i != order_.end();) {
    if ((*i)->finished()) {
      by_id_.erase((*i)->summary().job_id);
      bytes -= (*i)->bytes();
      --finished;
      i = order_.erase(i);
    } else {
      ++i;
    }
  }
}

} // namespace hive
