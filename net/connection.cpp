#include "net/connection.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include <sys/socket.h>

namespace hive::net::detail {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

connect_failure proxy_failure(const url& proxy, const std::string& what) {
  return {download_errc::connection_failed, "proxy " + proxy.authority() + " " + what};
}

/// Asks the proxy on `stream` for a tunnel to `target` (HTTP CONNECT).
asio::awaitable<std::optional<connect_failure>> open_tunnel(beast::tcp_stream& stream,
                                                            const url& target, const url& proxy,
                                                            std::chrono::milliseconds timeout) {
  auto authority = target.host_port();
  http::request<http::empty_body> request{http::verb::connect, authority, 11};
  request.set(http::field::host, authority);
  request.set(http::field::user_agent, "rbee-hive-provisioner/0.1");
  stream.expires_after(timeout);
  if (auto [ec, n] = co_await http::async_write(stream, request, use_tuple); ec)
    co_return proxy_failure(proxy, "failed: " + ec.message());
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  parser.skip(true); // a CONNECT answer has no body: the tunnel follows
  if (auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple); ec)
    co_return proxy_failure(proxy, "failed: " + ec.message());
  if (parser.get().result() != http::status::ok)
    co_return proxy_failure(proxy, "refused a tunnel to " + authority + ": "
                                       + std::to_string(parser.get().result_int()) + " "
                                       + std::string{parser.get().reason()});
  co_return std::nullopt;
}

} // namespace

asio::awaitable<std::optional<connect_failure>> connect_tcp(beast::tcp_stream& stream, const url& u,
                                                            const std::optional<url>& proxy,
                                                            std::chrono::milliseconds timeout) {
  const url& hop = proxy ? *proxy : u;
  tcp::resolver resolver{co_await asio::this_coro::executor};
  auto [rec, endpoints] = co_await resolver.async_resolve(hop.host, hop.port, use_tuple);
  if (rec)
    co_return connect_failure{download_errc::connection_failed,
                              "cannot resolve " + hop.host + ": " + rec.message()};
  stream.expires_after(timeout);
  if (auto [ec, ep] = co_await stream.async_connect(endpoints, use_tuple); ec)
    co_return connect_failure{download_errc::connection_failed,
                              "cannot connect to " + hop.authority() + ": "
                                  + (ec == beast::error::timeout ? "timed out" : ec.message())};
  if (proxy && u.tls())
    co_return co_await open_tunnel(stream, u, *proxy, timeout);
  co_return std::nullopt;
}

std::optional<connect_failure> load_trust(asio::ssl::context& ctx, const std::string& ca_file) {
  beast::error_code ec;
  ctx.set_default_verify_paths(ec);
  ec = {}; // a machine without system CAs can still trust ca_file
  if (!ca_file.empty())
    ctx.load_verify_file(ca_file, ec);
  if (ec)
    return connect_failure{download_errc::tls_failed,
                           "cannot load CA file " + ca_file + ": " + ec.message()};
  ctx.set_verify_mode(asio::ssl::verify_peer);
  return std::nullopt;
}

asio::awaitable<std::unique_ptr<open_connection>>
connect_to(const url& u, const std::optional<url>& proxy, const std::string& ca_file,
        std::chrono::milliseconds timeout, std::optional<connect_failure>& failed) {
  namespace ssl = asio::ssl;
  auto executor = co_await asio::this_coro::executor;
  auto out = std::make_unique<open_connection>();
  if (!u.tls()) {
    out->plain.emplace(executor);
    if ((failed = co_await connect_tcp(*out->plain, u, proxy, timeout)))
      co_return nullptr;
    co_return out;
  }
  out->tls_context = std::make_unique<ssl::context>(ssl::context::tls_client);
  if ((failed = load_trust(*out->tls_context, ca_file)))
    co_return nullptr;
  auto& stream = out->tls.emplace(executor, *out->tls_context);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), u.host.c_str())) {
    failed = connect_failure{download_errc::tls_failed, "cannot set TLS server name " + u.host};
    co_return nullptr;
  }
  stream.set_verify_callback(ssl::host_name_verification(u.host));
  if ((failed = co_await connect_tcp(beast::get_lowest_layer(stream), u, proxy, timeout)))
    co_return nullptr;
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [ec] = co_await stream.async_handshake(ssl::stream_base::client, use_tuple);
  if (ec) {
    failed = connect_failure{download_errc::tls_failed,
                             "TLS handshake with " + u.authority() + " failed: " + ec.message()};
    co_return nullptr;
  }
  co_return out;
}

connection_key key_of(const url& u, const std::optional<url>& proxy, const std::string& ca_file) {
  return {u.scheme, u.host, u.port, proxy ? proxy->str() : std::string{}, ca_file};
}

namespace {

/// Whether an idle connection is still open: nothing to read (a peer's close
/// reads as EOF, a TLS alert or stray bytes as data) and no error, checked
/// without blocking.
bool idle_and_open(open_connection& c) {
  auto& socket = c.tcp().socket();
  if (!socket.is_open() || (c.tls && SSL_pending(c.tls->native_handle()) > 0))
    return false;
  char byte = 0;
  auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

} // namespace

std::unique_ptr<open_connection> take_open(connection_pool& pool, const connection_key& key) {
  while (auto c = pool.take(key, connection_pool::clock::now()))
    if (idle_and_open(*c))
      return c;
  return nullptr;
}

bool closed_by_peer(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof
         || ec == asio::error::connection_reset || ec == asio::error::connection_aborted
         || ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated;
}

std::map<std::string, std::string> lower_case_headers(const boost::beast::http::fields& fields) {
  std::map<std::string, std::string> out;
  for (const auto& field : fields) {
    std::string name{field.name_string()};
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out[name] = std::string{field.value()};
  }
  return out;
}

} // namespace hive::net::detail
