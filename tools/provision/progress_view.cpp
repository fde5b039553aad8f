#include "tools/provision/progress_view.hpp"

#include "net/api/event_json.hpp"
#include "net/format/progress_line.hpp"

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace hive::cli {

progress_view::progress_view() : tty_(::isatty(STDERR_FILENO) == 1) {
}

void progress_view::clear_bar() {
  if (bar_shown_)
    std::fputs("\r\033[K", stderr);
  bar_shown_ = false;
}

void progress_view::progress(const std::string& json) {
  auto f = read_progress_event(json);
  if (!tty_) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_plain_ < std::chrono::seconds{1} && f.bytes != f.total)
      return;
    last_plain_ = now;
    std::fprintf(stderr, "%s\n", progress_line(f).c_str());
    return;
  }
  constexpr int width = 30;
  int filled = f.total ? static_cast<int>(f.percent * width / 100.0) : 0;
  std::string bar(static_cast<std::size_t>(std::clamp(filled, 0, width)), '#');
  bar.resize(width, '.');
  bar_ = "[" + bar + "] " + progress_line(f);
  draw_bar();
}

void progress_view::draw_bar() {
  std::fprintf(stderr, "\r\033[K%s", bar_.c_str());
  std::fflush(stderr);
  bar_shown_ = true;
}

void progress_view::line(const std::string& text) {
  clear_bar();
  std::fprintf(stderr, "%s\n", text.c_str());
  if (tty_ && !bar_.empty()) // the bar stays under the narration
    draw_bar();
}

void progress_view::close() {
  if (bar_shown_)
    std::fputc('\n', stderr);
  bar_shown_ = false;
}

} // namespace hive::cli
