#include "actors/vendors/recipes/build_output.hpp"

#include <algorithm>
#include <utility>

namespace hive {

namespace {

constexpr std::size_t tail_lines = 10;

} // namespace

build_output::build_output(const std::string& pattern, std::size_t lines_per_second)
  : lines_per_second_(lines_per_second) {
  if (pattern.empty()) {
    patterns_.emplace_back(R"(\[\s*(\d+)%\])");   // CMake's Makefiles, make
    patterns_.emplace_back(R"(\[(\d+)/(\d+)\])"); // Ninja
  } else {
    patterns_.emplace_back(pattern);
  }
}

std::optional<std::uint32_t> build_output::percent_of(const std::string& line) const {
  for (const auto& pattern : patterns_) {
    std::smatch m;
    if (!std::regex_search(line, m, pattern))
      continue;
    try {
      if (m.size() == 2)
        return static_cast<std::uint32_t>(std::min(std::stoul(m[1].str()), 100UL));
      auto done = std::stoul(m[1].str());
      auto total = std::stoul(m[2].str());
      if (total > 0)
        return static_cast<std::uint32_t>(std::min(done, total) * 100 / total);
    } catch (const std::exception&) { // not a number after all, or out of range
    }
  }
  return std::nullopt;
}

build_output::verdict build_output::take(const std::string& line, clock::time_point now) {
  tail_.push_back(line);
  if (tail_.size() > tail_lines)
    tail_.pop_front();
  verdict v;
  if (auto percent = percent_of(line); percent && (!percent_ || *percent > *percent_))
    v.percent = percent_ = percent;
  if (now - window_start_ >= std::chrono::seconds{1}) {
    window_start_ = now;
    in_window_ = 0;
  }
  if (in_window_ < lines_per_second_) {
    ++in_window_;
    v.narrate = true;
    v.held_back = take_held_back();
  } else {
    ++held_back_;
  }
  return v;
}

std::size_t build_output::take_held_back() {
  return std::exchange(held_back_, 0);
}

bool build_output::shows_progress() const {
  return percent_.has_value();
}

std::string build_output::tail() const {
  std::string out;
  for (const auto& line : tail_)
    out += (out.empty() ? "" : " | ") + line;
  return out;
}

} // namespace hive
