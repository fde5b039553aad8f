#pragma once

#include "net/failure.hpp"
#include "net/proxy.hpp"
#include "net/url.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hive::net {

class connection_pool;

/// How metadata requests (HEAD, small JSON GETs) are made: the same proxies,
/// trust and timeouts as transfers, with retries for answers that say "later".
struct request_options {
  /// Sent as `Authorization: Bearer`; callers only send it to its own host.
  std::string bearer_token;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string ca_file;
  proxy_settings proxy;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds{10}};
  /// Limit for sending the request and for reading the whole answer.
  std::chrono::milliseconds timeout{std::chrono::seconds{30}};
  std::size_t body_limit = 32 * 1024 * 1024;
  int max_retries = 4;
  std::chrono::milliseconds retry_backoff{std::chrono::seconds{1}};
  /// Idle keep-alive connections to take from and give back (the node's,
  /// on the io_context the request runs on); null for none.
  connection_pool* connections = nullptr;
  /// Before waiting to ask again: which attempt failed, the wait, and why.
  std::function<void(int attempt, std::chrono::milliseconds delay, const std::string& why)>
      on_retry;
};

/// An answer, or why there is none (`status` 0).
struct http_answer {
  unsigned status = 0;
  /// Header names in lower case.
  std::map<std::string, std::string> headers;
  std::string body;
  /// Set when `status` is 0.
  download_errc code = download_errc::internal;
  std::string error;

  /// The header's value, "" when absent; `name` in lower case.
  std::string header(const std::string& name) const;
};

/// Turns a source's refusal (status, its headers by lower-case name, the
/// generic message) into a specific error; empty or nullopt keeps the
/// generic `http_status`.
using refusal_explainer = std::function<std::optional<failure>(
    unsigned status, const std::map<std::string, std::string>& headers, const std::string& detail)>;

/// The error of a request that did not succeed: the transport's, or the
/// source's refusal of `what` as `explain` tells it.
failure refusal_error(const http_answer& answer, const std::string& what,
                      const refusal_explainer& explain);

/// One request (with a JSON `body` unless empty), no redirects followed (the
/// caller decides which to follow); retried as `opts` says. Cancellation
/// aborts it at once.
boost::asio::awaitable<http_answer> request(std::string method, url target, std::string body,
                                            const request_options& opts);

} // namespace hive::net
