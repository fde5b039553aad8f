#include "net/api/job_journal.hpp"

#include "net/api/event_json.hpp"
#include "net/format/human_units.hpp"
#include "net/host/wall_clock.hpp"

#include <algorithm>

namespace hive {

namespace {

/// What an event costs in memory, about.
std::size_t bytes_of(const journal_event& e) {
  return sizeof(journal_event) + e.name.size() + e.data.size();
}

bool is_narration(const journal_event& e) {
  return e.name == "narration";
}

/// Inserts `e` among events sorted by id.
void insert_by_id(std::vector<journal_event>& events, journal_event e) {
  auto pos = std::upper_bound(events.begin(), events.end(), e.id,
                              [](std::uint64_t c, const journal_event& x) { return c < x.id; });
  events.insert(pos, std::move(e));
}

} // namespace

job_journal::job_journal(job_summary initial, std::size_t narration_budget)
  : summary_(std::move(initial)), narration_budget_(narration_budget) {
}

void job_journal::append(std::string name, std::string data) {
  {
    std::lock_guard guard{mtx_};
    if (ended_)
      return;
    kept_.push_back({next_id_++, std::move(name), std::move(data)});
    kept_bytes_ += bytes_of(kept_.back());
    if (is_narration(kept_.back())) {
      narration_bytes_ += bytes_of(kept_.back());
      trim();
    }
  }
  notify();
}

void job_journal::trim() {
  while (narration_bytes_ > narration_budget_) {
    // Narration comes before a job's data and end events: the oldest is first.
    auto oldest = std::find_if(kept_.begin(), kept_.end(), is_narration);
    auto size = bytes_of(*oldest);
    narration_bytes_ -= size;
    kept_bytes_ -= size;
    last_dropped_id_ = oldest->id;
    last_dropped_ms_ = wall_clock_ms();
    ++dropped_;
    kept_.erase(oldest);
  }
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

void job_journal::set_state(job_phase state, std::int64_t now_ms) {
  {
    std::lock_guard guard{mtx_};
    if (ended_)
      return;
    if (state == job_phase::running && summary_.started_ms == 0)
      summary_.started_ms = now_ms;
    summary_.state = state;
  }
  notify();
}

void job_journal::finish(job_phase state, std::string error_code, std::string error_message,
                         std::string final_data, std::int64_t now_ms) {
  {
    std::lock_guard guard{mtx_};
    if (ended_)
      return;
    summary_.state = state;
    summary_.error_code = std::move(error_code);
    summary_.error_message = std::move(error_message);
    summary_.finished_ms = now_ms;
    kept_.push_back({next_id_++, "end", std::move(final_data)});
    kept_bytes_ += bytes_of(kept_.back());
    ended_ = true;
  }
  notify();
}

journal_event job_journal::dropped_note() const {
  auto note = narration_note{"journal", "dropped", "",
                             std::to_string(dropped_)
                                 + " earlier event(s) dropped to keep this job's narration within "
                                 + format_bytes(narration_budget_),
                             narration_level::warn};
  return {last_dropped_id_, "narration",
          narration_event_json(summary_.job_id, note, last_dropped_ms_)};
}

job_journal::read_result job_journal::read_after(std::uint64_t cursor,
                                                 std::size_t max_bytes) const {
  read_result result;
  std::lock_guard guard{mtx_};
  // Besides the kept events: the coalesced progress event, and the note of
  // dropped narration in the place of the newest dropped event (so that a
  // client resuming after it is not told again), each where its id puts it.
  std::vector<journal_event> extras;
  if (last_progress_ && last_progress_->id > cursor)
    extras.push_back(*last_progress_);
  if (dropped_ > 0 && last_dropped_id_ > cursor)
    insert_by_id(extras, dropped_note());
  auto next = std::upper_bound(kept_.begin(), kept_.end(), cursor,
                               [](std::uint64_t c, const journal_event& e) { return c < e.id; });
  auto extra = extras.begin();
  std::size_t bytes = 0;
  for (;;) {
    bool extra_first = extra != extras.end() && (next == kept_.end() || extra->id < next->id);
    if (!extra_first && next == kept_.end())
      break;
    const journal_event& e = extra_first ? *extra : *next;
    auto size = e.name.size() + e.data.size();
    if (!result.events.empty() && bytes + size > max_bytes) {
      result.more = true;
      return result;
    }
    bytes += size;
    result.events.push_back(e);
    if (extra_first)
      ++extra;
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

std::size_t job_journal::bytes() const {
  std::lock_guard guard{mtx_};
  auto strings = summary_.job_id.size() + summary_.operation.size() + summary_.model.size()
                 + summary_.vendor.size() + summary_.error_code.size()
                 + summary_.error_message.size();
  return sizeof(job_journal) + strings + kept_bytes_
         + (last_progress_ ? bytes_of(*last_progress_) : 0);
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
