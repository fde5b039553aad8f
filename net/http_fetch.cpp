#include <utility> // Boost 1.74's awaitable.hpp needs std::exchange; harmless on 1.81.

#include "net/http_fetch.hpp"

#include "net/file_sink.hpp"
#include "net/part_file.hpp"
#include "net/sha256.hpp"
#include "net/url.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <array>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

namespace hive::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// One request/response exchange: a final outcome, or where to go next.
struct exchange_result {
  fetch_outcome outcome;
  std::optional<std::string> location;
  /// The source cannot continue our partial file: start over without it.
  bool restart = false;
};

exchange_result failure(download_errc code, std::string message) {
  exchange_result out;
  out.outcome.code = code;
  out.outcome.message = std::move(message);
  return out;
}

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

/// A read or write error once the connection was up.
exchange_result transfer_failure(const beast::error_code& ec, const url& u, std::uint64_t bytes,
                                 std::uint64_t total) {
  if (ec == beast::error::timeout)
    return failure(download_errc::stalled, "no data from " + u.authority()
                                               + " within the stall "
                                                 "timeout, after "
                                               + std::to_string(bytes) + " bytes");
  auto got = std::to_string(bytes) + (total ? " of " + std::to_string(total) : "");
  return failure(download_errc::connection_reset, "connection to " + u.authority() + " lost after "
                                                      + got + " bytes: " + ec.message());
}

/// Where a body's bytes go: hashed and written, on the disk executor when
/// there is one, so that hashing one chunk overlaps reading the next.
struct body_sink {
  file_sink file;
  sha256_hasher hasher;

  std::error_code consume(const char* data, std::size_t size) {
    hasher.update(data, size);
    return file.write(data, size);
  }
};

/// Runs `work` (returning std::error_code) on the disk pool, or inline without one.
/// The disk step gets no cancellation handler: it is short and bounded, and
/// Asio 1.81's co_spawn would post one holding a raw pointer that a
/// cancellation racing the completion can leave dangling.
template <class Work>
asio::awaitable<std::error_code> on_disk(asio::thread_pool* disk, Work work) {
  if (!disk)
    co_return work();
  auto task = [work]() -> asio::awaitable<std::error_code> { co_return work(); };
  co_return co_await asio::co_spawn(
      disk->get_executor(), task(),
      asio::bind_cancellation_slot(asio::cancellation_slot{}, asio::use_awaitable));
}

asio::awaitable<std::error_code> consume_on(asio::thread_pool* disk, body_sink& sink,
                                            const char* data, std::size_t size) {
  if (size == 0)
    co_return std::error_code{};
  co_return co_await on_disk(disk, [&sink, data, size] { return sink.consume(data, size); });
}

/// Reads the next piece of body into `dst`: straight from the socket when the
/// length is known and the body is not chunked, else through the parser.
template <class Stream>
asio::awaitable<std::pair<beast::error_code, std::size_t>>
read_body_some(Stream& stream, beast::flat_buffer& buffer,
               http::response_parser<http::buffer_body>& parser, bool raw, std::uint64_t remaining,
               std::vector<char>& dst) {
  if (raw) {
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, dst.size()));
    if (buffer.size() > 0) { // body bytes that arrived with the header
      auto n = asio::buffer_copy(asio::buffer(dst.data(), want), buffer.data());
      buffer.consume(n);
      co_return std::pair{beast::error_code{}, n};
    }
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(dst.data(), want), use_tuple);
    if (ec == asio::error::eof && n == 0)
      ec = http::error::partial_message;
    co_return std::pair{ec, n};
  }
  parser.get().body().data = dst.data();
  parser.get().body().size = dst.size();
  auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
  if (ec == http::error::need_buffer)
    ec = {};
  co_return std::pair{ec, dst.size() - parser.get().body().size};
}

/// Streams a success body into the part file through two alternating
/// buffers: while one is hashed and written, the next is read.
template <class Stream>
asio::awaitable<exchange_result> stream_body(Stream& stream, beast::flat_buffer& buffer,
                                             http::response_parser<http::buffer_body>& parser,
                                             const url& u, const fetch_request& req,
                                             const fetch_observer& obs, std::uint64_t already,
                                             const std::string& validator) {
  using namespace asio::experimental::awaitable_operators;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const bool raw = parser.content_length().has_value() && !parser.chunked();
  const std::uint64_t body_total = parser.content_length().value_or(0);
  const std::uint64_t total = body_total ? already + body_total : 0;
  body_sink sink;
  // The hash covers the whole file: what an earlier attempt wrote comes first.
  auto prepare = [&] {
    if (auto ec = already ? hash_prefix(req.part_path, already, sink.hasher) : std::error_code{})
      return ec;
    if (auto ec = sink.file.open(req.part_path, already > 0))
      return ec;
    return save_validator(req.part_path, validator);
  };
  if (auto ec = co_await on_disk(req.disk, prepare))
    co_return failure(download_errc::io_failed,
                      "cannot prepare " + req.part_path.string() + ": " + ec.message());
  std::array<std::vector<char>, 2> chunks{std::vector<char>(req.buffer_size),
                                          std::vector<char>(req.buffer_size)};
  std::size_t filled = 0; // bytes in chunks[0] waiting to be consumed
  std::uint64_t bytes = 0;
  auto last_report = clock_type::now();
  auto done = [&] { return raw ? bytes + filled >= body_total : parser.is_done(); };
  while (!done() || filled > 0) {
    beast::error_code ec;
    std::size_t got = 0;
    std::error_code write_ec;
    tcp_layer.expires_after(req.stall_timeout);
    if (done()) {
      write_ec = co_await consume_on(req.disk, sink, chunks[0].data(), filled);
    } else {
      auto both = co_await (
          read_body_some(stream, buffer, parser, raw, body_total - bytes - filled, chunks[1])
          && consume_on(req.disk, sink, chunks[0].data(), filled));
      std::tie(ec, got) = std::get<0>(both);
      write_ec = std::get<1>(both);
    }
    if (write_ec)
      co_return failure(download_errc::io_failed,
                        "cannot write " + req.part_path.string() + ": " + write_ec.message());
    bytes += filled;
    std::swap(chunks[0], chunks[1]);
    filled = got;
    if (ec) {
      // Keep what did arrive, for a later resume; a write error here changes nothing.
      [[maybe_unused]] auto kept = sink.consume(chunks[0].data(), filled);
      co_return transfer_failure(ec, u, already + bytes + filled, total);
    }
    if (obs.on_progress && clock_type::now() - last_report >= req.progress_interval) {
      last_report = clock_type::now();
      obs.on_progress(already + bytes, total);
    }
  }
  auto finish = [&] {
    if (auto ec = sink.file.finish())
      return ec;
    return save_validator(req.part_path, ""); // complete: nothing left to resume
  };
  if (auto ec = co_await on_disk(req.disk, finish))
    co_return failure(download_errc::io_failed,
                      "cannot sync " + req.part_path.string() + ": " + ec.message());
  bytes += already;
  if (obs.on_progress)
    obs.on_progress(bytes, total ? total : bytes);
  exchange_result out;
  out.outcome.ok = true;
  out.outcome.bytes = bytes;
  out.outcome.total = total ? total : bytes;
  out.outcome.resumed_from = already;
  out.outcome.sha256 = sink.hasher.hex_digest();
  co_return out;
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
  if (http::to_status_class(status) != http::status_class::successful)
    co_return failure(download_errc::http_status, u.str() + " answered "
                                                      + std::to_string(parser.get().result_int())
                                                      + " " + std::string{parser.get().reason()});
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

asio::awaitable<fetch_outcome> run_fetch(fetch_request req, fetch_observer obs) {
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

} // namespace

fetch_canceller start_fetch(asio::io_context& ioc, fetch_request req, fetch_observer obs,
                            std::function<void(fetch_outcome)> done) {
  auto strand = asio::make_strand(ioc);
  auto signal = std::make_shared<asio::cancellation_signal>();
  // Touched only on the strand: by the canceller's posted handler and by on_done.
  auto cancelled = std::make_shared<bool>(false);
  auto on_done = [done = std::move(done), signal, cancelled](std::exception_ptr error,
                                                             fetch_outcome out) {
    if (*cancelled) {
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
