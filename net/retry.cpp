#include "net/retry.hpp"

#include <algorithm>
#include <charconv>

namespace hive::net {

std::optional<std::chrono::milliseconds> retry_delay(unsigned status, std::string_view retry_after,
                                                     int attempt, int max_retries,
                                                     std::chrono::milliseconds backoff) {
  bool transient =
      status == 408 || status == 429 || status >= 500 || (status == 403 && !retry_after.empty());
  if (!transient || attempt > max_retries)
    return std::nullopt;
  unsigned long seconds = 0;
  if (!retry_after.empty()
      && std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds).ec
             == std::errc{})
    return std::chrono::milliseconds{std::min(seconds, 60ul) * 1000};
  auto wait = backoff * (1u << std::min(attempt - 1, 5));
  return std::min<std::chrono::milliseconds>(wait, std::chrono::seconds{30});
}

} // namespace hive::net
