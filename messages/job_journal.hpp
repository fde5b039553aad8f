#pragma once

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
  std::string operation;
  std::string model;
  /// The reference's vendor prefix (`url`, `hf`, `gh`, ...); empty for catalog operations.
  std::string vendor;
  /// `queued`, `running`, `completed`, `failed` or `cancelled`.
  std::string state = "queued";
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
/// any number of readers on Asio threads. Memory is bounded: progress events
/// are coalesced to the latest one, narration keeps the newest `max_kept`.
class job_journal {
public:
  job_journal(job_summary initial, std::size_t max_kept = 10000);

  /// Appends an event that history keeps (narration, data).
  void append(std::string name, std::string data);
  /// Appends a progress event, replacing the previous one in the history.
  void append_progress(std::string data, std::uint64_t bytes, std::uint64_t total);
  /// Records a state change that is not final.
  void set_state(std::string state, std::int64_t now_ms);
  /// Records the final state and appends the terminal event (`[DONE]`, ...).
  void finish(std::string state, std::string error_code, std::string error_message,
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

  /// Calls `wake` after every change until `unwatch(token)`.
  std::uint64_t watch(std::function<void()> wake);
  void unwatch(std::uint64_t token);

private:
  void notify();

  mutable std::mutex mtx_;
  job_summary summary_;
  std::size_t max_kept_;
  std::uint64_t next_id_ = 1;
  std::deque<journal_event> kept_;
  std::optional<journal_event> last_progress_;
  bool ended_ = false;
  std::uint64_t next_token_ = 1;
  std::map<std::uint64_t, std::function<void()>> watchers_;
};

} // namespace hive
