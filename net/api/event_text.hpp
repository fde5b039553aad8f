#pragma once

#include "net/api/job_journal.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hive {

/// A job's events as rbee's own clients read them (`GET
/// /v1/jobs/{id}/stream?format=text`). Those clients (rbee's keeper and its
/// queen's forwarder) read a stream line by line, drop a leading `data: `,
/// print every other non-blank line as it is and stop at `[DONE]`,
/// `[ERROR] …` or `[CANCELLED]`; so each event becomes `data:` lines of
/// human text and nothing else: no `id:` or `event:` lines, no JSON.
///
/// Narration goes out at once as its human text. Progress goes out as one
/// line at most once per `progress_interval`: one that comes sooner is held
/// (a newer one replaces it) until its time, and one still held at the end
/// is dropped. The speed and ETA are the progress event's own, the tracker's
/// rate over its last few seconds of samples (what the page and `provision`
/// show), not a rate of the lines this stream happens to send.
class event_text {
public:
  using clock = std::chrono::steady_clock;

  /// Sent after a quiet while so that a gone client is noticed: a blank line,
  /// which SSE readers take for no event and rbee's clients skip (they would
  /// print a `: comment` line).
  static constexpr std::string_view keepalive = "\n";

  explicit event_text(clock::duration progress_interval = std::chrono::seconds{1});

  /// What `e`, read at `now`, sends: `data:` frames, or "" (progress held
  /// back, or an event without text).
  std::string frames(const journal_event& e, clock::time_point now);
  /// The held progress line once its time has come at `now`, else "".
  std::string due_frames(clock::time_point now);
  /// When the held progress line is due; nullopt when none is held.
  std::optional<clock::time_point> due() const;

private:
  std::string progress_frames(std::string line, clock::time_point now);

  clock::duration interval_;
  /// When the last progress line went out; nullopt before the first.
  std::optional<clock::time_point> last_progress_;
  /// A progress line that came too soon after the last; "" when none.
  std::string held_;
};

} // namespace hive
