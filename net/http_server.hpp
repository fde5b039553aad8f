#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace hive::net {

/// The parts of a request that handlers use.
struct http_request_view {
  std::string method;
  /// Path without the query string.
  std::string path;
  std::string query;
  std::string body;
  std::string last_event_id;
  /// The headers the request guard judges (net/request_guard.hpp).
  std::string host;
  std::string origin;
  std::string content_type;
  std::string authorization;
  /// `Range`, for the routes that serve bytes (net/api/blobs_api.hpp).
  std::string range;
};

/// A response header beyond those the server always sets.
struct http_header {
  std::string_view name;
  std::string_view value;
};

/// One request being answered: either a whole response or a chunked stream.
class http_exchange {
public:
  virtual ~http_exchange() = default;
  virtual const http_request_view& request() const = 0;
  /// Sends a complete JSON response.
  virtual boost::asio::awaitable<void> reply(unsigned status, std::string json) = 0;
  /// Sends a complete response of any content type.
  virtual boost::asio::awaitable<void> reply(unsigned status, std::string body,
                                             std::string_view content_type) = 0;
  /// The same with more headers (caching, security policy).
  virtual boost::asio::awaitable<void> reply(unsigned status, std::string body,
                                             std::string_view content_type,
                                             std::span<const http_header> headers) = 0;
  /// Starts a chunked 200 response; false when the client is gone, the
  /// request was a HEAD, or the server holds as many streams as it may (the
  /// client then got a 503 `too_many_connections`).
  virtual boost::asio::awaitable<bool> begin_stream(std::string_view content_type) = 0;
  /// Sends one chunk (flushed at once); false when the client is gone.
  virtual boost::asio::awaitable<bool> stream_chunk(std::string text) = 0;
  virtual boost::asio::awaitable<void> end_stream() = 0;
  /// Starts a response whose body of `length` bytes follows through
  /// `write_body` (a file served in bounded buffers). It holds a stream's
  /// place, as a long answer must not crowd out short requests. false when
  /// the client is gone, the request was a HEAD (the header announced the
  /// length), or the server holds as many streams as it may (the client then
  /// got a 503 `too_many_connections`).
  virtual boost::asio::awaitable<bool> begin_body(unsigned status, std::uint64_t length,
                                                  std::string_view content_type,
                                                  std::span<const http_header> headers) = 0;
  /// Sends the next bytes of that body; false when the client is gone. A body
  /// that ends short of its length closes the connection, so that the client
  /// sees it short rather than waiting for the rest.
  virtual boost::asio::awaitable<bool> write_body(std::span<const char> bytes) = 0;
};

using http_handler = std::function<boost::asio::awaitable<void>(http_exchange&)>;

/// Limits that keep a slow or hostile client from stalling or bloating the server.
struct server_limits {
  std::uint32_t header_limit = 16 * 1024;
  std::uint64_t body_limit = 1024 * 1024;
  std::chrono::milliseconds read_timeout{std::chrono::seconds{30}};
  /// A client that takes no bytes for this long is dropped (an SSE reader too).
  std::chrono::milliseconds write_timeout{std::chrono::seconds{30}};
  /// Connections open at once; the next one gets a 503 at once and is closed.
  std::size_t max_connections = 4096;
  /// Long-lived streams open at once: fewer than `max_connections`, so that
  /// short requests (`/health`, a new job, a cancel) always find room.
  std::size_t max_streams = 4096 - 512;

  /// Limits for `connections`, with an eighth (at least 16) kept for short requests.
  static server_limits for_connections(std::size_t connections);
};

/// An HTTP/1.1 server: one coroutine per connection on its own strand.
class http_server {
public:
  http_server(boost::asio::io_context& ioc, boost::asio::ip::tcp::endpoint endpoint,
              http_handler handler, server_limits limits = {});
  ~http_server();

  /// The bound port (useful with port 0).
  std::uint16_t port() const;
  /// Connections open now, and of them those holding a stream.
  std::size_t open_connections() const;
  std::size_t open_streams() const;
  /// Stops accepting; open connections end with the io_context.
  void stop();

  /// Acceptor state, shared with the accept coroutine.
  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

} // namespace hive::net
