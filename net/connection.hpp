#pragma once

// Internals of the HTTP clients (net/http_fetch.cpp, net/http_request.cpp):
// how a connection to a URL is opened, directly or through a proxy, with TLS
// verified for https. Included by .cpp files only.

#include "net/asio.hpp"

#include "messages/errc.hpp"
#include "net/connection_pool.hpp"
#include "net/url.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <map>
#include <memory>
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

/// A connection as it is used and kept idle: plain, or TLS with the
/// context its stream refers to.
struct open_connection {
  /// Declared first: it outlives the stream.
  std::unique_ptr<boost::asio::ssl::context> tls_context;
  std::optional<boost::beast::tcp_stream> plain;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls;

  boost::beast::tcp_stream& tcp() {
    return tls ? boost::beast::get_lowest_layer(*tls) : *plain;
  }
};

/// Opens a connection to `u` (TLS verified for https; through `proxy` when
/// given) within `timeout`; null with `failed` set when it cannot.
boost::asio::awaitable<std::unique_ptr<open_connection>>
connect_to(const url& u, const std::optional<url>& proxy, const std::string& ca_file,
        std::chrono::milliseconds timeout, std::optional<connect_failure>& failed);

/// What a connection to `u` through `proxy`, trusting `ca_file`, may serve.
connection_key key_of(const url& u, const std::optional<url>& proxy, const std::string& ca_file);

/// An idle connection of `pool` for `key` that is still open, or null: one
/// the peer closed while it was idle (readable: EOF, an alert, stray bytes)
/// is closed and the next one tried. Does not block.
std::unique_ptr<open_connection> take_open(connection_pool& pool, const connection_key& key);

/// Whether `ec` is how a peer's close shows: a keep-alive connection that
/// the server closed as we sent fails so.
bool closed_by_peer(const boost::beast::error_code& ec);

/// What `use` is told about its connection, and tells back.
struct connection_use {
  /// The connection came from the pool and has not answered yet here.
  bool reused = false;
  /// Set by `use`: the last answer was read to its end and kept the
  /// connection alive, with no byte pending: it may serve another request.
  bool reusable = false;
  /// Set by `closed_before_answer`: the server closed the reused connection
  /// before a byte of the answer; the request goes again on a fresh one.
  bool stale = false;

  /// Marks the connection stale when it was reused and the request failed by
  /// a peer's close (`ec`) before the answer started; returns `stale`.
  bool closed_before_answer(const boost::beast::error_code& ec, bool answer_started) {
    stale = reused && !answer_started && closed_by_peer(ec);
    return stale;
  }
};

/// Returns `co_await use(stream, via_plain_proxy, how)` on a connection to
/// `u` (TLS verified for https; through `proxy` when given), where `stream`
/// is a `beast::tcp_stream` or a `beast::ssl_stream<beast::tcp_stream>`,
/// `via_plain_proxy` says that requests must carry absolute URLs and `how`
/// is the `connection_use`. The connection is taken from `pool` when one is
/// idle there, and goes back to it when `use` says it is reusable (never
/// after a cancel); else it is closed. A request that a reused connection
/// lost before its answer is sent again, once, on a fresh connection. A
/// failure to connect returns `on_failure(connect_failure)`. A null `pool`,
/// or a plain-HTTP proxy, opens a connection for this use only.
template <class Result, class Use, class OnFailure>
boost::asio::awaitable<Result>
with_connection(const url& u, const std::optional<url>& proxy, const std::string& ca_file,
                std::chrono::milliseconds timeout, connection_pool* pool, Use& use,
                OnFailure& on_failure) {
  namespace asio = boost::asio;
  // Through a plain-HTTP proxy the connection is the proxy's, which may
  // answer for one request only and pipe the rest: kept for nothing. A
  // CONNECT tunnel (https) reaches the server itself and is kept.
  if (proxy && !u.tls())
    pool = nullptr;
  auto key = key_of(u, proxy, ca_file);
  auto connection = pool ? take_open(*pool, key) : nullptr;
  for (;;) {
    connection_use how;
    how.reused = connection != nullptr;
    if (!connection) {
      std::optional<connect_failure> failed;
      connection = co_await connect_to(u, proxy, ca_file, timeout, failed);
      if (!connection)
        co_return on_failure(std::move(*failed));
    }
    Result result{};
    if (connection->tls)
      result = co_await use(*connection->tls, false, how);
    else
      result = co_await use(*connection->plain, proxy.has_value(), how);
    if (how.stale) {
      connection.reset();
      continue;
    }
    asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
    if (pool && how.reusable && state.cancelled() == asio::cancellation_type::none) {
      connection->tcp().expires_never();
      pool->give(key, std::move(connection), connection_pool::clock::now());
    }
    co_return result;
  }
}

} // namespace hive::net::detail
