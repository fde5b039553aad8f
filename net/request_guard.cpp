#include "net/asio.hpp"

#include "net/request_guard.hpp"

#include "net/api/error_json.hpp"
#include "net/web_page.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace hive::net {

namespace {

namespace asio = boost::asio;

std::string lower(std::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// The host of a `Host` value (`name`, `name:port`, `[v6]`, `[v6]:port`),
/// lower-cased with IPv6 brackets kept; nullopt when it is malformed.
std::optional<std::string> host_part(std::string_view value) {
  std::string_view host = value;
  std::string_view port;
  if (value.starts_with('[')) {
    auto close = value.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    host = value.substr(0, close + 1);
    auto rest = value.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':'))
      return std::nullopt;
    port = rest.empty() ? rest : rest.substr(1);
  } else if (auto colon = value.find(':'); colon != std::string_view::npos) {
    host = value.substr(0, colon);
    port = value.substr(colon + 1);
  }
  auto digit = [](unsigned char c) { return std::isdigit(c) != 0; };
  if (host.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), digit))
    return std::nullopt;
  return lower(host);
}

/// `::1` as it appears in a `Host` header: `[::1]`.
std::string as_host_header_name(std::string_view listen_host) {
  auto name = lower(listen_host);
  if (name.find(':') != std::string::npos && !name.starts_with('['))
    name = "[" + name + "]";
  return name;
}

bool host_allowed(std::string_view host_header, const access_policy& policy,
                  std::string_view listen_host) {
  auto host = host_part(host_header);
  if (!host)
    return false;
  constexpr std::array loopback{"localhost", "127.0.0.1", "[::1]"};
  if (std::find(loopback.begin(), loopback.end(), *host) != loopback.end())
    return true;
  if (*host == as_host_header_name(listen_host))
    return true;
  return std::any_of(policy.allowed_hosts.begin(), policy.allowed_hosts.end(),
                     [&](const std::string& allowed) { return lower(allowed) == *host; });
}

/// A page's own requests carry its origin, whose authority is the `Host` it
/// was loaded from; any other origin (`null` included) is another site's page.
bool origin_matches(std::string_view origin, std::string_view host_header) {
  auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos)
    return false;
  return lower(origin.substr(scheme_end + 3)) == lower(host_header);
}

bool changes_state(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

/// `application/json`, with or without parameters such as `charset`.
bool is_json(std::string_view content_type) {
  auto media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t'))
    media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t'))
    media.remove_prefix(1);
  return lower(media) == "application/json";
}

/// What stays open with a token: `/health` and the page's own files, which
/// hold no data. Everything else needs it, whatever the router would make of
/// the path (`//v1/jobs` reaches the API too).
bool is_open_path(const http_request_view& req) {
  return req.path == "/health"
         || ((req.method == "GET" || req.method == "HEAD") && is_page_file(req.path));
}

} // namespace

// The answer time must not tell how much of a guessed token was right.
bool bearer_matches(std::string_view authorization, std::string_view token) {
  constexpr std::string_view scheme = "Bearer ";
  if (authorization.size() != scheme.size() + token.size()
      || lower(authorization.substr(0, scheme.size())) != "bearer ")
    return false;
  return CRYPTO_memcmp(authorization.data() + scheme.size(), token.data(), token.size()) == 0;
}

// Only the exact prefix: a path the router would also take for a blob
// (`//v1/blobs/...`) then needs the API token as well as the cluster token
// its route asks for, never neither.
bool is_blob_path(std::string_view path) {
  return path.starts_with("/v1/blobs/");
}

std::optional<refusal> check_request(const http_request_view& req, const access_policy& policy,
                                     std::string_view listen_host) {
  if (!host_allowed(req.host, policy, listen_host))
    return refusal{api_errc::forbidden_host,
                   "Host '" + req.host
                       + "' is not served here; start provisiond with --allowed-host NAME to "
                         "answer that name"};
  bool cluster_request = !policy.cluster_secret.empty() && is_blob_path(req.path);
  if (!policy.api_token.empty() && !is_open_path(req) && !cluster_request
      && !bearer_matches(req.authorization, policy.api_token))
    return refusal{api_errc::unauthorized,
                   req.authorization.empty()
                       ? "this API needs Authorization: Bearer <token> (see --api-token-file)"
                       : "the API token is wrong"};
  if (!changes_state(req.method))
    return std::nullopt;
  if (!req.origin.empty() && !origin_matches(req.origin, req.host))
    return refusal{api_errc::forbidden_origin,
                   "requests from the page at '" + req.origin + "' are not accepted"};
  if (!req.body.empty() && !is_json(req.content_type))
    return refusal{api_errc::unsupported_media_type,
                   "a request body must be Content-Type: application/json, not '" + req.content_type
                       + "'"};
  return std::nullopt;
}

http_handler with_request_guard(http_handler inner, access_policy policy, std::string listen_host) {
  return [inner = std::move(inner), policy = std::move(policy),
          listen_host = std::move(listen_host)](http_exchange& ex) -> asio::awaitable<void> {
    auto refused = check_request(ex.request(), policy, listen_host);
    if (!refused)
      co_return co_await inner(ex);
    auto body = error_json(code_of(refused->code), refused->message);
    if (refused->code != api_errc::unauthorized)
      co_return co_await ex.reply(http_status_of(refused->code), std::move(body));
    const std::array challenge{http_header{"WWW-Authenticate", "Bearer"}};
    co_await ex.reply(http_status_of(refused->code), std::move(body), "application/json",
                      challenge);
  };
}

} // namespace hive::net
