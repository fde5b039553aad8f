#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace hive::test {

/// What rbee's keeper printed of a job stream, and how the stream went.
struct rbee_transcript {
  /// The answer's status; 0 when none came.
  unsigned status = 0;
  std::string content_type;
  /// Every line the keeper printed, in order (a final marker included).
  std::vector<std::string> printed;
  /// True when a final marker stopped the reading.
  bool stopped_at_marker = false;
  /// The body as it arrived, chunked encoding removed.
  std::string raw;
  /// A transport error or timeout; empty when the stream ended cleanly.
  std::string error;
};

/// GETs `target` from 127.0.0.1:`port` and reads the body exactly as rbee's
/// job client does (`job-client` crate, `stream_job_results`, which the keeper
/// and the queen's forwarder share): bytes are split at each `\n`; a line is
/// trimmed of white space; a leading `data: ` (or `data:`) is dropped; a line
/// left empty is skipped, any other line is printed as it is; reading stops
/// after printing `[DONE]`, `[CANCELLED]` or a line starting `[ERROR]`. A
/// non-2xx answer is not read line by line (its body lands in `raw`).
rbee_transcript read_like_rbee(std::uint16_t port, const std::string& target,
                               std::chrono::seconds timeout = std::chrono::seconds{30});

} // namespace hive::test
