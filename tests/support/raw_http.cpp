#include "tests/support/raw_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

namespace hive::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  boost::system::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  asio::write(socket, asio::buffer(bytes), ec);
  std::string answer;
  asio::read(socket, asio::dynamic_buffer(answer), ec);
  return answer;
}

unsigned held_connection::status() const {
  constexpr std::string_view prefix = "HTTP/1.1 ";
  return head.starts_with(prefix) ? static_cast<unsigned>(std::stoul(head.substr(prefix.size())))
                                  : 0;
}

std::string held_connection::read_to_end() {
  boost::system::error_code ec;
  asio::read(socket, asio::dynamic_buffer(rest), ec);
  return rest;
}

held_connection open_get(asio::io_context& ioc, std::uint16_t port, const std::string& target,
                         std::chrono::milliseconds timeout, int receive_buffer) {
  return open_request(ioc, port,
                      "GET " + target
                          + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n",
                      timeout, receive_buffer);
}

held_connection open_request(asio::io_context& ioc, std::uint16_t port, const std::string& request,
                             std::chrono::milliseconds timeout, int receive_buffer) {
  held_connection c{tcp::socket{ioc}, {}, {}};
  boost::system::error_code ec;
  c.socket.open(tcp::v4(), ec);
  if (receive_buffer)
    c.socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer), ec);
  c.socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec)
    return c;
  asio::write(c.socket, asio::buffer(request), ec);
  std::string received;
  bool done = false;
  asio::async_read_until(c.socket, asio::dynamic_buffer(received), "\r\n\r\n",
                         [&](boost::system::error_code, std::size_t) { done = true; });
  ioc.restart();
  ioc.run_for(timeout);
  if (!done) { // the server did not answer in time: give up on this one
    c.socket.cancel(ec);
    ioc.restart();
    ioc.run();
  }
  auto end = received.find("\r\n\r\n");
  if (end != std::string::npos) {
    c.head = received.substr(0, end);
    c.rest = received.substr(end + 4);
  }
  return c;
}

} // namespace hive::test
