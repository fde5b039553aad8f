#pragma once

#include <chrono>
#include <cstdint>

namespace hive {

/// Milliseconds since the Unix epoch (the API's timestamps).
inline std::int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace hive
