#pragma once

#include <cstdint>
#include <string>

namespace hive {

/// What a one-line progress report shows of a job's progress.
struct progress_figures {
  std::uint64_t bytes = 0;
  /// 0 when unknown.
  std::uint64_t total = 0;
  double percent = 0;
  std::uint64_t bytes_per_sec = 0;
  /// -1 when unknown.
  std::int64_t eta_secs = -1;
  /// Connections carrying the job; 0 leaves them out.
  std::uint64_t connections = 0;
  /// The rate cap that binds; 0 for none.
  std::uint64_t max_rate = 0;
};

/// `47.1%  312.0 MB / 662.0 MB  85.2 MB/s ×1  ETA 4 s`; without a total,
/// bytes and speed only. One format for the `provision` CLI and for the
/// text event stream that rbee's own clients read.
std::string progress_line(const progress_figures& f);

} // namespace hive
