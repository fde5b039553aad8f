#pragma once

// Internals of the HTTP clients (net/http_fetch.cpp, net/http_request.cpp):
// how a connection to a URL is opened, directly or through a proxy, with TLS
// verified for https. Included by .cpp files only.

#include "net/asio.hpp"

#include "messages/errc.hpp"
#include "net/url.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace hive::net::detail {

/// Why a connection could not be opened.
struct connect_failure {
  download_errc code = download_errc::connection_failed;
  std::string message;
};

/// Resolves and connects `stream` to `u`, or to `proxy` (then asks it for a
/// CONNECT tunnel when `u` is https), within `timeout`.
boost::asio::awaitable<std::optional<connect_failure>>
connect_tcp(boost::beast::tcp_stream& stream, const url& u, const std::optional<url>& proxy,
            std::chrono::milliseconds timeout);

/// Trusts the system's CAs and `ca_file` (PEM) when given.
std::optional<connect_failure> load_trust(boost::asio::ssl::context& ctx,
                                          const std::string& ca_file);

/// An answer's headers by lower-case name (the last of repeated ones).
std::map<std::string, std::string> lower_case_headers(const boost::beast::http::fields& fields);

/// Opens a connection to `u` (TLS verified for https; through `proxy` when
/// given) and returns `co_await use(stream, via_plain_proxy)`, where `stream`
/// is a `beast::tcp_stream` or a `beast::ssl_stream<beast::tcp_stream>` and
/// `via_plain_proxy` says that requests must carry absolute URLs. A failure
/// to connect returns `on_failure(connect_failure)`.
template <class Result, class Use, class OnFailure>
boost::asio::awaitable<Result>
with_connection(const url& u, const std::optional<url>& proxy, const std::string& ca_file,
                std::chrono::milliseconds timeout, Use& use, OnFailure& on_failure) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace ssl = asio::ssl;
  auto executor = co_await asio::this_coro::executor;
  if (!u.tls()) {
    beast::tcp_stream stream{executor};
    if (auto failed = co_await connect_tcp(stream, u, proxy, timeout))
      co_return on_failure(std::move(*failed));
    co_return co_await use(stream, proxy.has_value());
  }
  ssl::context ctx{ssl::context::tls_client};
  if (auto failed = load_trust(ctx, ca_file))
    co_return on_failure(std::move(*failed));
  beast::ssl_stream<beast::tcp_stream> stream{executor, ctx};
  if (!SSL_set_tlsext_host_name(stream.native_handle(), u.host.c_str()))
    co_return on_failure(
        connect_failure{download_errc::tls_failed, "cannot set TLS server name " + u.host});
  stream.set_verify_callback(ssl::host_name_verification(u.host));
  if (auto failed = co_await connect_tcp(beast::get_lowest_layer(stream), u, proxy, timeout))
    co_return on_failure(std::move(*failed));
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [ec] = co_await stream.async_handshake(ssl::stream_base::client,
                                              asio::as_tuple(asio::use_awaitable));
  if (ec)
    co_return on_failure(
        connect_failure{download_errc::tls_failed,
                        "TLS handshake with " + u.authority() + " failed: " + ec.message()});
  co_return co_await use(stream, false);
}

} // namespace hive::net::detail
