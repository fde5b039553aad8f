#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace hive::net {

/// A complete answer from the provisioner's API.
struct http_reply {
  /// 0 when the request did not get an answer (see `error`).
  unsigned status = 0;
  std::string body;
  /// Transport error, empty when the server answered.
  std::string error;
};

/// Blocking request with a JSON body, made with `request()` (for the CLI and
/// tests); `bearer_token`, when given, is the API token (`--api-token-file`).
http_reply http_call(const std::string& method, const std::string& url,
                     const std::string& body = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds{30},
                     const std::string& bearer_token = {});

/// One Server-Sent Event as received.
struct sse_event {
  std::string id;
  std::string name;
  std::string data;
};

/// Reads an SSE stream until the server closes it or `on_event` returns false.
/// Returns a transport error or an error status, empty on a clean end.
std::string read_sse(const std::string& url, const std::function<bool(const sse_event&)>& on_event,
                     const std::string& last_event_id = {},
                     std::chrono::milliseconds idle_timeout = std::chrono::seconds{60},
                     const std::string& bearer_token = {});

} // namespace hive::net
