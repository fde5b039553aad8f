#include "tests/support/loopback_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace hive::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

loopback_server::loopback_server(session_fn session) : session_(std::move(session)) {
  tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), 0};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  asio::co_spawn(ioc_, accept_loop(), asio::detached);
  thread_ = std::thread{[this] { ioc_.run(); }};
}

loopback_server::~loopback_server() {
  ioc_.stop();
  thread_.join();
}

std::uint16_t loopback_server::port() const {
  return acceptor_.local_endpoint().port();
}

std::size_t loopback_server::accepted() const {
  return accepted_.load();
}

asio::awaitable<void> loopback_server::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec)
      co_return;
    ++accepted_;
    asio::co_spawn(ioc_, session_(std::move(socket)), asio::detached);
  }
}

} // namespace hive::test
