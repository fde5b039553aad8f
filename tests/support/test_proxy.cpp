#include "net/asio.hpp"

#include "tests/support/test_proxy.hpp"

#include "net/url.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <mutex>
#include <sstream>
#include <thread>

namespace hive::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// Copies bytes one way until either side closes.
asio::awaitable<void> pump(tcp::socket& from, tcp::socket& to) {
  char buf[64 * 1024];
  for (;;) {
    auto [ec, n] = co_await from.async_read_some(asio::buffer(buf), use_tuple);
    if (ec)
      break;
    if (auto [wec, w] = co_await asio::async_write(to, asio::buffer(buf, n), use_tuple); wec)
      break;
  }
  beast::error_code ignored;
  to.shutdown(tcp::socket::shutdown_send, ignored);
}

} // namespace

struct test_proxy::impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, {asio::ip::make_address("127.0.0.1"), 0}};
  std::thread thread;
  mutable std::mutex mtx;
  std::vector<std::string> seen;

  asio::awaitable<void> session(std::shared_ptr<tcp::socket> client) {
    beast::flat_buffer buffer;
    http::request_parser<http::empty_body> parser;
    if (auto [ec, n] = co_await http::async_read_header(*client, buffer, parser, use_tuple); ec)
      co_return;
    auto& req = parser.get();
    std::string target{req.target()};
    {
      std::lock_guard guard{mtx};
      seen.push_back(std::string{req.method_string()} + " " + target);
    }
    std::string host, port, forward;
    if (req.method() == http::verb::connect) {
      auto colon = target.rfind(':');
      host = target.substr(0, colon);
      port = target.substr(colon + 1);
    } else {
      auto u = net::parse_url(target);
      if (!u)
        co_return;
      host = u->host;
      port = u->port;
      req.target(u->target); // origin form for the origin server
      std::ostringstream head;
      head << req.base();
      forward = head.str();
    }
    auto upstream = std::make_shared<tcp::socket>(ioc);
    tcp::resolver resolver{ioc};
    auto [rec, endpoints] = co_await resolver.async_resolve(host, port, use_tuple);
    if (rec)
      co_return;
    if (auto [cec, ep] = co_await asio::async_connect(*upstream, endpoints, use_tuple); cec)
      co_return;
    std::string first = req.method() == http::verb::connect
                            ? std::string{"HTTP/1.1 200 Connection established\r\n\r\n"}
                            : forward;
    auto& reply_to = req.method() == http::verb::connect ? *client : *upstream;
    if (auto [wec, w] = co_await asio::async_write(reply_to, asio::buffer(first), use_tuple); wec)
      co_return;
    if (buffer.size() > 0) // bytes that came after the request head
      co_await asio::async_write(*upstream, buffer.data(), use_tuple);
    asio::co_spawn(
        ioc, [client, upstream]() { return pump(*client, *upstream); }, asio::detached);
    co_await pump(*upstream, *client);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (ec)
        co_return;
      asio::co_spawn(ioc, session(std::make_shared<tcp::socket>(std::move(socket))),
                     asio::detached);
    }
  }
};

test_proxy::test_proxy() : impl_(std::make_shared<impl>()) {
  asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread{[this] { impl_->ioc.run(); }};
}

test_proxy::~test_proxy() {
  impl_->ioc.stop();
  impl_->thread.join();
}

std::string test_proxy::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port());
}

std::vector<std::string> test_proxy::requests() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->seen;
}

} // namespace hive::test
