#pragma once

#include "actors/vendors/vendor_context.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hive {

/// The progress callback of a vendor's transfer or import of `file` (called
/// on an Asio or disk thread, one call at a time): sends `progress_update`s
/// to the job's tracker and keeps the vendor's `bytes_per_sec` in
/// `ctx.stats` current, starting at 0.
std::function<void(std::uint64_t bytes, std::uint64_t total, std::uint32_t connections,
                   const std::vector<source_bytes>& sources)>
progress_reporter(const vendor_context& ctx, std::string file);

} // namespace hive
