#pragma once

#include "net/asio.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>

namespace hive::test {

/// A TCP listener on 127.0.0.1 and a free port with a thread of its own,
/// running one coroutine per accepted connection: the skeleton of the test
/// servers. Declare it after whatever its sessions use, so that it stops first.
class loopback_server {
public:
  using session_fn = std::function<boost::asio::awaitable<void>(boost::asio::ip::tcp::socket)>;

  /// Listens at once.
  explicit loopback_server(session_fn session);
  /// Stops the thread; sessions still running are dropped.
  ~loopback_server();
  loopback_server(const loopback_server&) = delete;
  loopback_server& operator=(const loopback_server&) = delete;

  std::uint16_t port() const;
  /// Connections accepted so far.
  std::size_t accepted() const;

private:
  boost::asio::awaitable<void> accept_loop();

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  session_fn session_;
  std::atomic<std::size_t> accepted_{0};
  std::thread thread_;
};

} // namespace hive::test
