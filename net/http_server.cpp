#include "net/asio.hpp"

#include "net/http_server.hpp"

#include "messages/errc.hpp"
#include "net/api/error_json.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <vector>

namespace hive::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// How much of a refused request body is read so that the client sees our answer.
constexpr std::size_t refused_body_drain = 16 * 1024 * 1024;

/// Open connections and streams: counted by the acceptor and the sessions
/// on their own strands, hence atomics.
struct connection_counts {
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> streams{0};
};

class beast_exchange final : public http_exchange {
public:
  beast_exchange(beast::tcp_stream& stream, const server_limits& limits, connection_counts& counts,
                 http::request<http::string_body>& req)
    : stream_(stream), limits_(limits), counts_(counts), keep_alive_(req.keep_alive()),
      version_(req.version()), head_only_(req.method() == http::verb::head) {
    auto target = std::string_view{req.target()};
    auto q = target.find('?');
    // HEAD is answered as GET without the body: handlers see a GET.
    view_.method = head_only_ ? "GET" : std::string{req.method_string()};
    view_.path = std::string{target.substr(0, q)};
    if (q != std::string_view::npos)
      view_.query = std::string{target.substr(q + 1)};
    view_.body = std::move(req.body());
    view_.last_event_id = std::string{req["Last-Event-ID"]};
    view_.host = std::string{req[http::field::host]};
    view_.origin = std::string{req[http::field::origin]};
    view_.content_type = std::string{req[http::field::content_type]};
    view_.authorization = std::string{req[http::field::authorization]};
    view_.range = std::string{req[http::field::range]};
  }

  ~beast_exchange() override {
    if (holds_stream_)
      counts_.streams.fetch_sub(1);
  }

  beast_exchange(const beast_exchange&) = delete;
  beast_exchange& operator=(const beast_exchange&) = delete;

  const http_request_view& request() const override {
    return view_;
  }

  /// An answer's header as every answer of this server has it.
  template <class Body>
  http::response<Body> answer(unsigned status, std::string_view content_type,
                              std::span<const http_header> headers) const {
    http::response<Body> res{static_cast<http::status>(status), version_};
    res.set(http::field::server, "rbee-hive-provisioner");
    res.set(http::field::content_type, content_type);
    for (const auto& h : headers)
      res.set(h.name, h.value);
    res.keep_alive(keep_alive_);
    return res;
  }

  asio::awaitable<void> reply(unsigned status, std::string json) override {
    co_await reply(status, std::move(json), "application/json");
  }

  asio::awaitable<void> reply(unsigned status, std::string body,
                              std::string_view content_type) override {
    co_await reply(status, std::move(body), content_type, {});
  }

  asio::awaitable<void> reply(unsigned status, std::string body, std::string_view content_type,
                              std::span<const http_header> headers) override {
    auto res = answer<http::string_body>(status, content_type, headers);
    res.body() = std::move(body);
    res.prepare_payload();
    http::response_serializer<http::string_body> sr{res};
    stream_.expires_after(limits_.write_timeout);
    // A HEAD answer announces the GET's length and stops after the header.
    auto [ec, n] = head_only_ ? co_await http::async_write_header(stream_, sr, use_tuple)
                              : co_await http::async_write(stream_, sr, use_tuple);
    if (ec)
      keep_alive_ = false;
  }

  asio::awaitable<bool> begin_stream(std::string_view content_type) override {
    keep_alive_ = false; // a stream owns its connection until it ends
    if (!co_await take_stream_place())
      co_return false;
    http::response<http::empty_body> res{http::status::ok, version_};
    res.set(http::field::server, "rbee-hive-provisioner");
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-cache");
    res.chunked(true);
    http::response_serializer<http::empty_body> sr{res};
    stream_.expires_after(limits_.write_timeout);
    auto [ec, n] = co_await http::async_write_header(stream_, sr, use_tuple);
    co_return !ec && !head_only_;
  }

  asio::awaitable<bool> stream_chunk(std::string text) override {
    stream_.expires_after(limits_.write_timeout);
    auto [ec, n] =
        co_await asio::async_write(stream_, http::make_chunk(asio::buffer(text)), use_tuple);
    co_return !ec;
  }

  asio::awaitable<void> end_stream() override {
    stream_.expires_after(limits_.write_timeout);
    co_await asio::async_write(stream_, http::make_chunk_last(), use_tuple);
  }

  asio::awaitable<bool> begin_body(unsigned status, std::uint64_t length,
                                   std::string_view content_type,
                                   std::span<const http_header> headers) override {
    if (!co_await take_stream_place())
      co_return false;
    auto res = answer<http::empty_body>(status, content_type, headers);
    res.content_length(length);
    http::response_serializer<http::empty_body> sr{res};
    stream_.expires_after(limits_.write_timeout);
    auto [ec, n] = co_await http::async_write_header(stream_, sr, use_tuple);
    if (ec)
      keep_alive_ = false;
    else if (!head_only_)
      body_left_ = length;
    co_return !ec && !head_only_;
  }

  asio::awaitable<bool> write_body(std::span<const char> bytes) override {
    stream_.expires_after(limits_.write_timeout);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(bytes), use_tuple);
    body_left_ -= std::min<std::uint64_t>(n, body_left_);
    if (ec)
      keep_alive_ = false;
    co_return !ec;
  }

  /// A body sent short leaves the connection unusable: the client would read
  /// the next answer as the rest of this one.
  bool keep_alive() const {
    return keep_alive_ && body_left_ == 0;
  }

private:
  /// Takes one of the places for long answers, or answers 503 and says no.
  asio::awaitable<bool> take_stream_place() {
    if (counts_.streams.fetch_add(1) >= limits_.max_streams) {
      counts_.streams.fetch_sub(1);
      co_await reply(http_status_of(api_errc::too_many_connections),
                     error_json(code_of(api_errc::too_many_connections),
                                "the server holds its maximum of "
                                    + std::to_string(limits_.max_streams)
                                    + " streams; try again later"));
      co_return false;
    }
    holds_stream_ = true;
    co_return true;
  }

  beast::tcp_stream& stream_;
  const server_limits& limits_;
  connection_counts& counts_;
  bool keep_alive_;
  unsigned version_;
  bool head_only_;
  bool holds_stream_ = false;
  /// Bytes of a `begin_body` answer not yet sent.
  std::uint64_t body_left_ = 0;
  http_request_view view_;
};

/// Answers a request that failed before it reached a handler.
asio::awaitable<void> reply_early_error(beast::tcp_stream& stream, const server_limits& limits,
                                        http::status status, api_errc code,
                                        std::string_view message) {
  http::response<http::string_body> res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(false);
  res.body() = error_json(code_of(code), message);
  res.prepare_payload();
  stream.expires_after(limits.write_timeout);
  co_await http::async_write(stream, res, use_tuple);
}

/// Lingering close after refusing a request the client is still sending:
/// reading what is in flight lets the client read our answer instead of
/// getting a reset. Bounded in time and bytes.
asio::awaitable<void> drain_and_close(beast::tcp_stream& stream, std::size_t max_bytes,
                                      std::chrono::milliseconds total) {
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::vector<char> sink(64 * 1024);
  std::size_t drained = 0;
  // One deadline for the whole linger: a client trickling a byte now and then
  // must not hold the socket (refused connections are not even counted).
  stream.expires_after(total);
  while (drained < max_bytes) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
    if (ec)
      break;
    drained += n;
  }
}

/// A connection over the cap: answered at once without reading its request,
/// and let go after the briefest linger (a request already on its way would
/// otherwise turn our close into a reset that hides the answer).
asio::awaitable<void> refuse_connection(tcp::socket socket, server_limits limits) {
  beast::tcp_stream stream{std::move(socket)};
  co_await reply_early_error(
      stream, limits, http::status::service_unavailable, api_errc::too_many_connections,
      "the server holds its maximum of " + std::to_string(limits.max_connections)
          + " connections; try again later");
  co_await drain_and_close(stream, 64 * 1024, std::chrono::milliseconds{200});
}

asio::awaitable<void> session(tcp::socket socket, http_handler handler, server_limits limits,
                              std::shared_ptr<connection_counts> counts) {
  struct release_guard {
    connection_counts& counts;
    ~release_guard() {
      counts.connections.fetch_sub(1);
    }
  } release{*counts};
  beast::tcp_stream stream{std::move(socket)};
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(limits.header_limit);
    parser.body_limit(limits.body_limit);
    stream.expires_after(limits.read_timeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (ec == http::error::body_limit) {
      co_await reply_early_error(
          stream, limits, http::status::payload_too_large, api_errc::payload_too_large,
          "request body exceeds " + std::to_string(limits.body_limit) + " bytes");
      co_return co_await drain_and_close(stream, refused_body_drain, std::chrono::seconds{5});
    }
    if (ec == http::error::header_limit) {
      co_await reply_early_error(stream, limits, http::status::request_header_fields_too_large,
                                 api_errc::payload_too_large, "request headers are too large");
      co_return co_await drain_and_close(stream, refused_body_drain, std::chrono::seconds{5});
    }
    if (ec) {
      if (ec != http::error::end_of_stream && ec != beast::error::timeout
          && ec != asio::error::operation_aborted && ec != asio::error::connection_reset)
        co_await reply_early_error(stream, limits, http::status::bad_request,
                                   api_errc::invalid_field, "malformed HTTP request");
      break;
    }
    auto req = parser.release();
    beast_exchange exchange{stream, limits, *counts, req};
    try {
      co_await handler(exchange);
    } catch (const std::exception& e) {
      spdlog::error("handler for {} {} failed: {}", exchange.request().method,
                    exchange.request().path, e.what());
      break;
    }
    if (!exchange.keep_alive())
      break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

} // namespace

struct http_server::impl {
  // On a strand: stop() posts the close, which must not race an accept.
  impl(asio::io_context& ioc, tcp::endpoint endpoint) : ioc(ioc), acceptor(asio::make_strand(ioc)) {
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
  }

  asio::io_context& ioc;
  tcp::acceptor acceptor;
  std::shared_ptr<connection_counts> counts = std::make_shared<connection_counts>();
};

namespace {

asio::awaitable<void> accept_loop(std::shared_ptr<http_server::impl> self, http_handler handler,
                                  server_limits limits);

} // namespace

http_server::http_server(asio::io_context& ioc, tcp::endpoint endpoint, http_handler handler,
                         server_limits limits)
  : impl_(std::make_shared<impl>(ioc, endpoint)) {
  asio::co_spawn(impl_->acceptor.get_executor(), accept_loop(impl_, std::move(handler), limits),
                 asio::detached);
}

http_server::~http_server() {
  stop();
}

std::uint16_t http_server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::size_t http_server::open_connections() const {
  return impl_->counts->connections.load();
}

std::size_t http_server::open_streams() const {
  return impl_->counts->streams.load();
}

server_limits server_limits::for_connections(std::size_t connections) {
  server_limits limits;
  limits.max_connections = connections;
  // At most half kept back, so that even a small cap leaves room for streams.
  limits.max_streams =
      connections - std::min(connections / 2, std::max<std::size_t>(16, connections / 8));
  return limits;
}

void http_server::stop() {
  asio::post(impl_->acceptor.get_executor(), [self = impl_] {
    beast::error_code ignored;
    self->acceptor.close(ignored);
  });
}

namespace {

asio::awaitable<void> accept_loop(std::shared_ptr<http_server::impl> self, http_handler handler,
                                  server_limits limits) {
  for (;;) {
    auto [ec, socket] =
        co_await self->acceptor.async_accept(asio::make_strand(self->ioc), use_tuple);
    if (ec) {
      if (!self->acceptor.is_open())
        co_return;
      // Out of descriptors, say: back off instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause{self->ioc, std::chrono::milliseconds{100}};
      co_await pause.async_wait(use_tuple);
      continue;
    }
    auto ex = socket.get_executor();
    auto& counts = *self->counts;
    if (counts.connections.load() >= limits.max_connections) {
      asio::co_spawn(ex, refuse_connection(std::move(socket), limits), asio::detached);
      continue;
    }
    counts.connections.fetch_add(1);
    asio::co_spawn(ex, session(std::move(socket), handler, limits, self->counts), asio::detached);
  }
}

} // namespace

} // namespace hive::net
