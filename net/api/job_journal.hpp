#pragma once

#include "messages/job_messages.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace hive {

/// One Server-Sent Event of a job.
struct journal_event {
  /// Per-job sequence number, the SSE `id:`.
  std::uint64_t id = 0;
  /// The SSE `event:` name: `narration`, `progress`, `data` or `end`.
  std::string name;
  /// The single `data:` line.
  std::string data;
};

/// What `GET /v1/jobs/{id}` shows of a job.
struct job_summary {
  std::string job_id;
  /// The hive that runs the job (`--hive-id`).
  std::string hive_id;
  std::string operation;
  std::string model;
  /// The reference's vendor prefix (`url`, `hf`, `gh`, ...); empty for catalog operations.
  std::string vendor;
  job_phase state = job_phase::queued;
  std::uint64_t bytes = 0;
  std::uint64_t total = 0;
  std::int64_t created_ms = 0;
  std::int64_t started_ms = 0;
  std::int64_t finished_ms = 0;
  std::string error_code;
  std::string error_message;
};

/// A job's public record: its event history for SSE clients and its summary.
///
/// One writer (the job's narration actor, or the router for instant jobs),
/// any number of readers on Asio threads. Memory is bounded whatever clients
/// send: progress events are coalesced to the latest one, and narration is
/// kept within `narration_budget` bytes, oldest dropped first; a reader from
/// the start then first gets a note saying how many events were dropped.
class job_journal {
public:
  /// The budget of a job's narration in production (the job board's default).
  static constexpr std::size_t default_narration_budget = 1024 * 1024;

  explicit job_journal(job_summary initial,
                       std::size_t narration_budget = default_narration_budget);

  /// Appends an event that history keeps (narration, data).
  void append(std::string name, std::string data);
  /// Appends a progress event, replacing the previous one in the history.
  void append_progress(std::string data, std::uint64_t bytes, std::uint64_t total);
  /// Records a state change that is not final.
  void set_state(job_phase state, std::int64_t now_ms);
  /// Records the final state and appends the terminal event (`[DONE]`, ...).
  void finish(job_phase state, std::string error_code, std::string error_message,
              std::string final_data, std::int64_t now_ms);

  struct read_result {
    std::vector<journal_event> events;
    /// True once the terminal event is among those already read or returned.
    bool ended = false;
    /// True when `max_bytes` stopped the read before the newest event.
    bool more = false;
  };
  /// Events with an id greater than `cursor`, in order, up to about
  /// `max_bytes` of data (at least one event), so that a reader far behind
  /// copies its history a slice at a time.
  read_result read_after(std::uint64_t cursor,
                         std::size_t max_bytes = static_cast<std::size_t>(-1)) const;

  job_summary summary() const;
  bool finished() const;
  /// About how many bytes the journal holds (its events and summary).
  std::size_t bytes() const;

  /// Calls `wake` after every change until `unwatch(token)`.
  std::uint64_t watch(std::function<void()> wake);
  void unwatch(std::uint64_t token);

private:
  void notify();
  /// Drops the oldest narration until the kept narration fits the budget.
  void trim();
  /// The note that stands for the dropped narration (mutex held).
  journal_event dropped_note() const;

  mutable std::mutex mtx_;
  job_summary summary_;
  std::size_t narration_budget_;
  /// Bytes of the narration events in `kept_`.
  std::size_t narration_bytes_ = 0;
  /// Bytes of all events in `kept_`.
  std::size_t kept_bytes_ = 0;
  /// Narration events dropped to stay within the budget, the newest one's
  /// id, and when it was dropped.
  std::uint64_t dropped_ = 0;
  std::uint64_t last_dropped_id_ = 0;
  std::int64_t last_dropped_ms_ = 0;
  std::uint64_t next_id_ = 1;
  std::deque<journal_event> kept_;
  std::optional<journal_event> last_progress_;
  bool ended_ = false;
  std::uint64_t next_token_ = 1;
  std::map<std::uint64_t, std::function<void()>> watchers_;
};

} // namespace hive
