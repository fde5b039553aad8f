#pragma once

#include "net/host/blob_file.hpp"
#include "net/http_server.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hive::net {

/// Finds the blob named by `sha256` (64 lower-case hex digits) and opens it:
/// a whole file, or one still landing; nullopt when the node has neither.
using blob_finder = std::function<std::optional<blob_file>(std::string_view sha256)>;

/// What `GET /v1/blobs/sha256/<hex>` serves, and to whom.
struct blob_service {
  /// The cluster token a request must carry (`--cluster-secret-file`); empty
  /// turns the route off (`404 not_found`).
  std::string secret;
  blob_finder find;
  /// Whether a blob `find` does not open yet is being fetched by a transfer
  /// that does not know its size yet: a request waits for it as for bytes
  /// landing (another hive may ask before this one's origin has answered).
  std::function<bool(std::string_view sha256)> sizing;
  /// How often a reader waiting for bytes still landing looks again.
  std::chrono::milliseconds poll_interval{50};
  /// A reader that sees no new byte land for this long is cut off.
  std::chrono::milliseconds stall_timeout{std::chrono::seconds{30}};
};

/// Answers a request whose path segments (`v1`, `blobs`, ...) are `parts`:
/// the blob whole or one `Range` of it, from disk in bounded buffers; a
/// range not all landed yet is sent as it lands (slow, never short), unless
/// its transfer stops or stalls (then the body ends short).
boost::asio::awaitable<void> serve_blob(http_exchange& ex, const blob_service& blobs,
                                        const std::vector<std::string_view>& parts);

} // namespace hive::net
