#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace hive {

/// Reads a build's output line by line: the progress it shows, which lines
/// are narrated (at most `lines_per_second`, so that a chatty build does not
/// flood the job's journal) and the last lines, for an error message.
class build_output {
public:
  using clock = std::chrono::steady_clock;

  /// `pattern`: the recipe's progress regex, or empty for `[ 42%]` and `[3/10]`.
  explicit build_output(const std::string& pattern, std::size_t lines_per_second = 20);

  /// What to do with one line.
  struct verdict {
    /// The build's progress in percent, when the line shows one that is
    /// higher than before (progress never goes back).
    std::optional<std::uint32_t> percent;
    bool narrate = false;
    /// Lines held back since the last narrated one, to be mentioned before it.
    std::size_t held_back = 0;
  };
  verdict take(const std::string& line, clock::time_point now);

  /// Lines held back since the last narrated one (and forgets them).
  std::size_t take_held_back();
  /// True once a line showed progress.
  bool shows_progress() const;
  /// The last few lines, joined with ` | ` (an error message is one line).
  std::string tail() const;

private:
  std::optional<std::uint32_t> percent_of(const std::string& line) const;

  std::vector<std::regex> patterns_;
  std::size_t lines_per_second_;
  clock::time_point window_start_{};
  std::size_t in_window_ = 0;
  std::size_t held_back_ = 0;
  std::optional<std::uint32_t> percent_;
  std::deque<std::string> tail_;
};

} // namespace hive
