#pragma once

#include <cstdint>
#include <string>

namespace hive {

/// `1.2 GB`, `85.0 MB`, `512 B` (decimal units, as download tools show them).
std::string format_bytes(std::uint64_t bytes);

/// `12 s`, `3 min 5 s`, `1 h 2 min`; `unknown` for negative values.
std::string format_duration(std::int64_t secs);

} // namespace hive
