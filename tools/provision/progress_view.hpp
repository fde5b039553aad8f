#pragma once

#include <chrono>
#include <string>

namespace hive::cli {

/// Renders a job's events on a terminal: a live progress bar redrawn in
/// place when stderr is a TTY, plain lines (at most one per second for
/// progress) when it is not.
class progress_view {
public:
  progress_view();

  /// A `progress` event's JSON data.
  void progress(const std::string& json);
  /// A line of narration (or any message), printed above the bar.
  void line(const std::string& text);
  /// Leaves the bar as it is and moves to a fresh line.
  void close();

private:
  void clear_bar();
  void draw_bar();

  bool tty_;
  /// The last progress line drawn, redrawn below each narration line.
  std::string bar_;
  bool bar_shown_ = false;
  std::chrono::steady_clock::time_point last_plain_{};
};

} // namespace hive::cli
