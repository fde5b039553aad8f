#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hive::net {

/// A TCP endpoint as an operator writes it: a host name or IP literal
/// (`[::1]` keeps its brackets) and a port.
struct host_port {
  std::string host;
  std::uint16_t port = 0;

  /// `host:port`, as parsed.
  std::string str() const {
    return host + ":" + std::to_string(port);
  }
};

/// `HOST:PORT` split at its last colon; nullopt without a host or with a
/// port that is not a number from 0 to 65535.
std::optional<host_port> parse_host_port(std::string_view text);

/// `host` without the brackets of an IPv6 literal.
std::string bare_host(std::string host);

/// `localhost` or a loopback address: only this machine can connect.
bool is_loopback_host(const std::string& host);

/// `0.0.0.0`, `::` or `[::]`: every address of the machine, which no peer can dial.
bool is_wildcard_host(const std::string& host);

/// This machine's host name (`gethostname`).
std::string machine_host_name();

} // namespace hive::net
