#include <utility> // Boost 1.74's awaitable.hpp needs std::exchange; harmless on 1.81.

#include "net/http_fetch.hpp"

#include "net/body_stream.hpp"
#include "net/part_file.hpp"
#include "net/url.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <charconv>
#include <limits>
#include <memory>
#include <optional>

namespace hive::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

using detail::exchange_result;
using detail::failure;
using detail::stream_body;
using detail::transfer_failure;
using detail::use_tuple;

bool is_redirect(http::status s) {
  switch (s) {
    case http::status::moved_permanently:
    case http::status::found:
    case http::status::see_other:
    case http::status::temporary_redirect:
    case http::status::permanent_redirect:
      return true;
    default:
      return false;
  }
}

/// Sends the GET, reads the header, and streams a success body to the part file.
template <class Stream>
asio::awaitable<exchange_result> exchange(Stream& stream, const url& u, const fetch_request& req,
                                          bool send_token, bool via_proxy,
                                          const fetch_observer& obs) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  // A plain-HTTP proxy takes the absolute URL as the request target.
  http::request<http::empty_body> request{http::verb::get, via_proxy ? u.str() : u.target, 11};
  request.set(http::field::host, u.authority());
  request.set(http::field::user_agent, "rbee-hive-provisioner/0.1");
  request.set(http::field::accept_encoding, "identity");
  if (send_token && !req.bearer_token.empty())
    request.set(http::field::authorization, "Bearer " + req.bearer_token);
  auto previous = req.resume ? read_partial(req.part_path) : partial_download{};
  if (previous.size > 0) { // the rest, and only if it is still the same version
    request.set(http::field::range, "bytes=" + std::to_string(previous.size) + "-");
    request.set(http::field::if_range, previous.validator);
  }
  tcp_layer.expires_after(req.stall_timeout);
  if (auto [ec, n] = co_await http::async_write(stream, request, use_tuple); ec)
    co_return transfer_failure(ec, u, 0, 0);

  beast::flat_buffer buffer;
  buffer.reserve(64 * 1024); // without it every read returns 512 bytes
  http::response_parser<http::buffer_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  tcp_layer.expires_after(req.stall_timeout);
  if (auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple); ec)
    co_return transfer_failure(ec, u, 0, 0);

  auto status = parser.get().result();
  if (is_redirect(status)) {
    exchange_result out;
    out.location = std::string{parser.get()[http::field::location]};
    if (out.location->empty())
      co_return failure(download_errc::http_status, u.str() + " answered "
                                                        + std::to_string(parser.get().result_int())
                                                        + " without a Location header");
    co_return out;
  }
  if (status == http::status::range_not_satisfiable && previous.size > 0) {
    exchange_result out;
    out.restart = true;
    co_return out;
  }
  if (http::to_status_class(status) != http::status_class::successful) {
    auto out = failure(download_errc::http_status, u.str() + " answered "
                                                       + std::to_string(parser.get().result_int())
                                                       + " " + std::string{parser.get().reason()});
    out.outcome.http_status = parser.get().result_int();
    out.outcome.error_header = std::string{parser.get()["X-Error-Code"]};
    out.outcome.retry_after = std::string{parser.get()[http::field::retry_after]};
    co_return out;
  }
  std::uint64_t already = 0; // a 200 answer to a ranged request starts over
  if (status == http::status::partial_content) {
    auto expected = "bytes " + std::to_string(previous.size) + "-";
    if (previous.size == 0 || !parser.get()[http::field::content_range].starts_with(expected))
      co_return failure(download_errc::http_status,
                        u.str() + " answered a range we did not ask for: "
                            + std::string{parser.get()[http::field::content_range]});
    already = previous.size;
  }
  auto validator =
      validator_of(parser.get()[http::field::etag], parser.get()[http::field::last_modified]);
  std::uint64_t body_total = parser.content_length().value_or(0);
  if (obs.on_response)
    obs.on_response(u.str(), body_total ? already + body_total : 0, already);
  co_return co_await stream_body(stream, buffer, parser, u, req, obs, already, validator);
}

/// Asks the proxy on `stream` for a tunnel to `target` (HTTP CONNECT).
asio::awaitable<std::optional<exchange_result>> open_tunnel(beast::tcp_stream& stream,
                                                            const url& target, const url& proxy,
                                                            const fetch_request& req) {
  auto authority = target.host_port();
  http::request<http::empty_body> request{http::verb::connect, authority, 11};
  request.set(http::field::host, authority);
  request.set(http::field::user_agent, "rbee-hive-provisioner/0.1");
  stream.expires_after(req.connect_timeout);
  if (auto [ec, n] = co_await http::async_write(stream, request, use_tuple); ec)
    co_return failure(download_errc::connection_failed,
                      "proxy " + proxy.authority() + " failed: " + ec.message());
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  parser.skip(true); // a CONNECT answer has no body: the tunnel follows
  if (auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple); ec)
    co_return failure(download_errc::connection_failed,
                      "proxy " + proxy.authority() + " failed: " + ec.message());
  if (parser.get().result() != http::status::ok)
    co_return failure(download_errc::connection_failed,
                      "proxy " + proxy.authority() + " refused a tunnel to " + authority + ": "
                          + std::to_string(parser.get().result_int()) + " "
                          + std::string{parser.get().reason()});
  co_return std::nullopt;
}

/// Connects the TCP layer of `stream` to `u`, or to `proxy` (tunnelling TLS
/// through it), within the connect timeout.
template <class Stream>
asio::awaitable<std::optional<exchange_result>>
connect(Stream& stream, const url& u, const std::optional<url>& proxy, const fetch_request& req) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const url& hop = proxy ? *proxy : u;
  tcp::resolver resolver{co_await asio::this_coro::executor};
  auto [rec, endpoints] = co_await resolver.async_resolve(hop.host, hop.port, use_tuple);
  if (rec)
    co_return failure(download_errc::connection_failed,
                      "cannot resolve " + hop.host + ": " + rec.message());
  tcp_layer.expires_after(req.connect_timeout);
  if (auto [ec, ep] = co_await tcp_layer.async_connect(endpoints, use_tuple); ec)
    co_return failure(download_errc::connection_failed,
                      "cannot connect to " + hop.authority() + ": "
                          + (ec == beast::error::timeout ? "timed out" : ec.message()));
  if (proxy && u.tls())
    co_return co_await open_tunnel(tcp_layer, u, *proxy, req);
  co_return std::nullopt;
}

asio::awaitable<exchange_result> exchange_plain(const url& u, const std::optional<url>& proxy,
                                                const fetch_request& req, bool send_token,
                                                const fetch_observer& obs) {
  beast::tcp_stream stream{co_await asio::this_coro::executor};
  if (auto failed = co_await connect(stream, u, proxy, req))
    co_return std::move(*failed);
  co_return co_await exchange(stream, u, req, send_token, proxy.has_value(), obs);
}

asio::awaitable<exchange_result> exchange_tls(const url& u, const std::optional<url>& proxy,
                                              const fetch_request& req, bool send_token,
                                              const fetch_observer& obs) {
  ssl::context ctx{ssl::context::tls_client};
  beast::error_code ec;
  ctx.set_default_verify_paths(ec);
  ec = {}; // a machine without system CAs can still trust ca_file
  if (!req.ca_file.empty())
    ctx.load_verify_file(req.ca_file, ec);
  if (ec)
    co_return failure(download_errc::tls_failed,
                      "cannot load CA file " + req.ca_file + ": " + ec.message());
  ctx.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream{co_await asio::this_coro::executor, ctx};
  if (!SSL_set_tlsext_host_name(stream.native_handle(), u.host.c_str()))
    co_return failure(download_errc::tls_failed, "cannot set TLS server name " + u.host);
  stream.set_verify_callback(ssl::host_name_verification(u.host));
  if (auto failed = co_await connect(stream, u, proxy, req))
    co_return std::move(*failed);
  beast::get_lowest_layer(stream).expires_after(req.connect_timeout);
  if (auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, use_tuple); hec)
    co_return failure(download_errc::tls_failed,
                      "TLS handshake with " + u.authority() + " failed: " + hec.message());
  co_return co_await exchange(stream, u, req, send_token, false, obs);
}

/// One attempt: the request and its redirects.
asio::awaitable<fetch_outcome> fetch_once(fetch_request& req, const fetch_observer& obs) {
  auto current = parse_url(req.url);
  if (!current)
    co_return failure(download_errc::internal, "not an http(s) URL: " + req.url).outcome;
  const auto origin = *current;
  for (int hop = 0;; ++hop) {
    // The token stays with its host, and never goes down to plain http.
    bool send_token = current->host == origin.host && current->scheme == origin.scheme;
    auto route = req.proxy.proxy_for(*current);
    if (!route.error.empty())
      co_return failure(download_errc::connection_failed, route.error).outcome;
    // Not a conditional expression: g++ 12 mishandles co_await inside ?: .
    exchange_result result;
    if (current->tls())
      result = co_await exchange_tls(*current, route.proxy, req, send_token, obs);
    else
      result = co_await exchange_plain(*current, route.proxy, req, send_token, obs);
    if (result.restart) { // our partial cannot be continued: drop it, ask again
      remove_partial(req.part_path);
      req.resume = false;
      continue;
    }
    if (!result.location)
      co_return std::move(result.outcome);
    if (hop >= req.max_redirects)
      co_return failure(download_errc::too_many_redirects, "more than "
                                                               + std::to_string(req.max_redirects)
                                                               + " redirects from " + req.url)
          .outcome;
    auto next = resolve_location(*current, *result.location);
    if (!next)
      co_return failure(download_errc::http_status,
                        current->str() + " redirected to an invalid location: " + *result.location)
          .outcome;
    if (obs.on_redirect)
      obs.on_redirect(current->str(), next->str());
    current = std::move(*next);
  }
}

/// How long to wait before trying again, or nullopt when the outcome is final.
/// Only answers that say "later" are retried: 408, 429 and 5xx.
std::optional<std::chrono::milliseconds> retry_delay(const fetch_outcome& out, int attempt,
                                                     const fetch_request& req) {
  auto s = out.http_status;
  bool transient = out.code == download_errc::http_status && (s == 408 || s == 429 || s >= 500);
  if (out.ok || !transient || attempt > req.max_retries)
    return std::nullopt;
  unsigned long seconds = 0;
  const auto& after = out.retry_after;
  if (!after.empty()
      && std::from_chars(after.data(), after.data() + after.size(), seconds).ec == std::errc{})
    return std::chrono::milliseconds{std::min(seconds, 60ul) * 1000};
  auto backoff = req.retry_backoff * (1u << std::min(attempt - 1, 5));
  return std::min<std::chrono::milliseconds>(backoff, std::chrono::seconds{30});
}

asio::awaitable<fetch_outcome> run_fetch(fetch_request req, fetch_observer obs) {
  for (int attempt = 1;; ++attempt) {
    auto out = co_await fetch_once(req, obs);
    auto delay = retry_delay(out, attempt, req);
    if (!delay)
      co_return out;
    if (obs.on_retry)
      obs.on_retry(attempt, *delay, out.message);
    asio::steady_timer pause{co_await asio::this_coro::executor, *delay};
    co_await pause.async_wait(asio::use_awaitable); // a cancel ends the wait at once
  }
}

} // namespace

fetch_canceller start_fetch(asio::io_context& ioc, fetch_request req, fetch_observer obs,
                            std::function<void(fetch_outcome)> done) {
  auto strand = asio::make_strand(ioc);
  auto signal = std::make_shared<asio::cancellation_signal>();
  // Touched only on the strand: by the canceller's posted handler and by on_done.
  auto cancelled = std::make_shared<bool>(false);
  auto on_done = [done = std::move(done), signal, cancelled,
                  part = req.part_path](std::exception_ptr error, fetch_outcome out) {
    if (*cancelled) {
      // The file is closed now. A cancelled transfer keeps nothing, even if
      // its owner stopped waiting for it (a slow lookup, a long resume hash).
      remove_partial(part);
      out = {};
      out.cancelled = true;
      out.code = download_errc::cancelled;
      out.message = "download cancelled";
    } else if (error) {
      out = {};
      out.code = download_errc::internal;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        out.message = e.what();
      } catch (...) {
        out.message = "unknown failure";
      }
    }
    done(std::move(out));
  };
  asio::co_spawn(strand, run_fetch(std::move(req), std::move(obs)),
                 asio::bind_cancellation_slot(signal->slot(), std::move(on_done)));
  return [strand, signal, cancelled] {
    asio::post(strand, [signal, cancelled] {
      *cancelled = true;
      signal->emit(asio::cancellation_type::terminal);
    });
  };
}

} // namespace hive::net
