#include "messages/job_board.hpp"

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
  auto finished =
      std::count_if(order_.begin(), order_.end(), [](const auto& j) { return j->finished(); });
  for (auto i = order_.begin(); finished > static_cast<long>(max_finished_) && i != order_.end();) {
    if ((*i)->finished()) {
      by_id_.erase((*i)->summary().job_id);
      i = order_.erase(i);
      --finished;
    } else {
      ++i;
    }
  }
}

} // namespace hive
