#include "net/format/progress_line.hpp"

#include "net/format/human_units.hpp"

#include <cstdio>

namespace hive {

std::string progress_line(const progress_figures& f) {
  std::string text;
  if (f.total) {
    char percent[16];
    std::snprintf(percent, sizeof(percent), "%.1f%%  ", f.percent);
    text = percent;
  }
  text += format_bytes(f.bytes);
  if (f.total)
    text += " / " + format_bytes(f.total);
  text += "  " + format_bytes(f.bytes_per_sec) + "/s";
  if (f.connections > 0)
    text += " \u00d7" + std::to_string(f.connections);
  if (f.max_rate > 0)
    text += " (cap " + format_bytes(f.max_rate) + "/s)";
  if (f.eta_secs >= 0)
    text += "  ETA " + format_duration(f.eta_secs);
  return text;
}

} // namespace hive
