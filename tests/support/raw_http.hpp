#pragma once

#include "net/asio.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace hive::test {

/// Sends `bytes` on a new connection to 127.0.0.1:`port` and returns what
/// comes back until the server closes the connection.
std::string raw_exchange(std::uint16_t port, const std::string& bytes);

/// A connection held open after its answer's header: an event stream, say.
struct held_connection {
  boost::asio::ip::tcp::socket socket;
  /// The status line and headers; empty when none came within the timeout.
  std::string head;
  /// What arrived after the header.
  std::string rest;

  /// The status code, 0 without a header.
  unsigned status() const;
  /// Reads the rest of the answer until the server closes the connection.
  std::string read_to_end();
};

/// Connects (with a receive buffer of `receive_buffer` bytes when not 0),
/// sends `GET target` and waits at most `timeout` for the answer's header.
held_connection open_get(boost::asio::io_context& ioc, std::uint16_t port,
                         const std::string& target,
                         std::chrono::milliseconds timeout = std::chrono::seconds{5},
                         int receive_buffer = 0);

/// The same with the whole request written by the caller (its method and headers).
held_connection open_request(boost::asio::io_context& ioc, std::uint16_t port,
                             const std::string& request,
                             std::chrono::milliseconds timeout = std::chrono::seconds{5},
                             int receive_buffer = 0);

} // namespace hive::test
