#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace hive::net {

/// How long to wait before asking again after an answer with `status`, or
/// nullopt when it is final. Only answers that say "later" are retried (408,
/// 429, 5xx, and a 403 with a Retry-After: GitHub's secondary rate limit), at
/// most `max_retries` times: after their Retry-After (seconds, at most 60) or
/// an exponential backoff from `backoff` (at most 30 s).
std::optional<std::chrono::milliseconds> retry_delay(unsigned status, std::string_view retry_after,
                                                     int attempt, int max_retries,
                                                     std::chrono::milliseconds backoff);

} // namespace hive::net
