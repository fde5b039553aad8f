#include "tools/provision/progress_view.hpp"

#include "net/format/human_units.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace hive::cli {

namespace {

struct progress_fields {
  std::uint64_t bytes = 0;
  std::uint64_t total = 0;
  double percent = 0;
  std::uint64_t rate = 0;
  std::int64_t eta = -1;
  std::uint64_t connections = 0;
  std::uint64_t max_rate = 0;
};

progress_fields read_fields(const std::string& json) {
  progress_fields f;
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(json).get(obj) != simdjson::SUCCESS)
    return f;
  // Absent fields keep their defaults.
  auto read = [&obj](const char* key, auto& out) {
    if (obj[key].get(out) != simdjson::SUCCESS)
      return;
  };
  read("bytes", f.bytes);
  read("total", f.total);
  read("percent", f.percent);
  read("bytes_per_sec", f.rate);
  read("eta_secs", f.eta);
  read("connections", f.connections);
  read("max_rate", f.max_rate);
  return f;
}

std::string describe(const progress_fields& f) {
  char percent[16];
  std::snprintf(percent, sizeof(percent), "%5.1f%%", f.percent);
  std::string text = f.total ? std::string{percent} + "  " : std::string{};
  text += format_bytes(f.bytes);
  if (f.total)
    text += " / " + format_bytes(f.total);
  text += "  " + format_bytes(f.rate) + "/s";
  if (f.connections > 0)
    text += " \u00d7" + std::to_string(f.connections);
  if (f.max_rate > 0)
    text += " (cap " + format_bytes(f.max_rate) + "/s)";
  if (f.eta >= 0)
    text += "  ETA " + format_duration(f.eta);
  return text;
}

} // namespace

progress_view::progress_view() : tty_(::isatty(STDERR_FILENO) == 1) {
}

void progress_view::clear_bar() {
  if (bar_shown_)
    std::fputs("\r\033[K", stderr);
  bar_shown_ = false;
}

void progress_view::progress(const std::string& json) {
  auto f = read_fields(json);
  if (!tty_) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_plain_ < std::chrono::seconds{1} && f.bytes != f.total)
      return;
    last_plain_ = now;
    std::fprintf(stderr, "%s\n", describe(f).c_str());
    return;
  }
  constexpr int width = 30;
  int filled = f.total ? static_cast<int>(f.percent * width / 100.0) : 0;
  std::string bar(static_cast<std::size_t>(std::clamp(filled, 0, width)), '#');
  bar.resize(width, '.');
  bar_ = "[" + bar + "] " + describe(f);
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
