#include "messages/job_journal.hpp"

#include <algorithm>

namespace hive {

job_journal::job_journal(job_summary initial, std::size_t max_kept)
  : summary_(std::move(initial)), max_kept_(std::max<std::size_t>(max_kept, 1)) {
}

void job_journal::append(std::string name, std::string data) {
  {
    std::lock_guard guard{mtx_};
    if (ended_)
      return;
    kept_.push_back({next_id_++, std::move(name), std::move(data)});
    if (kept_.size() > max_kept_)
      kept_.pop_front();
  }
  notify();
}

void job_journal::append_progress(std::string data, std::uint64_t bytes, std::uint64_t total) {
  {
    std::lock_guard guard{mtx_};
    if (ended_)
      return;
    last_progress_ = journal_event{next_id_++, "progress", std::move(data)};
    summary_.bytes = bytes;
    summary_.total = total;
  }
  notify();
}

void job_journal::set_state(std::string state, std::int64_t now_ms) {
  {
    std::lock_guard guard{mtx_};
    if (ended_)
      return;
    if (state == "running" && summary_.started_ms == 0)
      summary_.started_ms = now_ms;
    summary_.state = std::move(state);
  }
  notify();
}

void job_journal::finish(std::string state, std::string error_code, std::string error_message,
                         std::string final_data, std::int64_t now_ms) {
  {
    std::lock_guard guard{mtx_};
    if (ended_)
      return;
    summary_.state = std::move(state);
    summary_.error_code = std::move(error_code);
    summary_.error_message = std::move(error_message);
    summary_.finished_ms = now_ms;
    kept_.push_back({next_id_++, "end", std::move(final_data)});
    ended_ = true;
  }
  notify();
}

job_journal::read_result job_journal::read_after(std::uint64_t cursor,
                                                 std::size_t max_bytes) const {
  read_result result;
  std::lock_guard guard{mtx_};
  auto next = std::upper_bound(kept_.begin(), kept_.end(), cursor,
                               [](std::uint64_t c, const journal_event& e) { return c < e.id; });
  // The coalesced progress event goes where its id puts it among the kept ones.
  const journal_event* progress =
      last_progress_ && last_progress_->id > cursor ? &*last_progress_ : nullptr;
  std::size_t bytes = 0;
  for (;;) {
    bool progress_first = progress && (next == kept_.end() || progress->id < next->id);
    if (!progress_first && next == kept_.end())
      break;
    const journal_event& e = progress_first ? *progress : *next;
    auto size = e.name.size() + e.data.size();
    if (!result.events.empty() && bytes + size > max_bytes) {
      result.more = true;
      return result;
    }
    bytes += size;
    result.events.push_back(e);
    if (progress_first)
      progress = nullptr;
    else
      ++next;
  }
  result.ended = ended_;
  return result;
}

job_summary job_journal::summary() const {
  std::lock_guard guard{mtx_};
  return summary_;
}

bool job_journal::finished() const {
  std::lock_guard guard{mtx_};
  return ended_;
}

std::uint64_t job_journal::watch(std::function<void()> wake) {
  std::lock_guard guard{mtx_};
  auto token = next_token_++;
  watchers_.emplace(token, std::move(wake));
  return token;
}

void job_journal::unwatch(std::uint64_t token) {
  std::lock_guard guard{mtx_};
  watchers_.erase(token);
}

void job_journal::notify() {
  std::vector<std::function<void()>> wakes;
  {
    std::lock_guard guard{mtx_};
    wakes.reserve(watchers_.size());
    for (auto& [token, wake] : watchers_)
      wakes.push_back(wake);
  }
  for (auto& wake : wakes)
    wake();
}

} // namespace hive
