#pragma once

#include "messages/errc.hpp"
#include "net/access_policy.hpp"
#include "net/http_server.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace hive::net {

/// Why a request is refused before any route sees it.
struct refusal {
  api_errc code;
  std::string message;
};

/// What a web page must not be able to do, checked once for every request:
/// a `Host` that is not ours (DNS rebinding), a state-changing request from a
/// foreign `Origin` or with a body that is not JSON (CSRF: a form or a
/// `text/plain` fetch needs no preflight), and a missing or wrong API token
/// (a blob request, which hives send with the cluster token, is left to its
/// route when a cluster secret is set).
/// `listen_host` is the address the server was asked to listen on. Pure, so
/// that it can be tested and fuzzed on its own.
std::optional<refusal> check_request(const http_request_view& req, const access_policy& policy,
                                     std::string_view listen_host);

/// Whether `authorization` is `Bearer <token>`, compared in time that
/// depends only on the lengths.
bool bearer_matches(std::string_view authorization, std::string_view token);

/// Whether `path` is a blob route (`/v1/blobs/...`), which carries the cluster
/// token rather than the API token.
bool is_blob_path(std::string_view path);

/// Answers a refused request with its error; passes the others to `inner`.
http_handler with_request_guard(http_handler inner, access_policy policy, std::string listen_host);

} // namespace hive::net
