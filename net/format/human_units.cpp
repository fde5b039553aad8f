#include "net/format/human_units.hpp"

#include <cstdio>

namespace hive {

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  if (bytes < 1000)
    return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1000 && unit < 4) {
    value /= 1000;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f %s", value, units[unit]);
  return buf;
}

std::string format_duration(std::int64_t secs) {
  if (secs < 0)
    return "unknown";
  if (secs < 60)
    return std::to_string(secs) + " s";
  if (secs < 3600)
    return std::to_string(secs / 60) + " min " + std::to_string(secs % 60) + " s";
  return std::to_string(secs / 3600) + " h " + std::to_string(secs % 3600 / 60) + " min";
}

} // namespace hive
