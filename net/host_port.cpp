#include "net/host_port.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>

#include <unistd.h>

namespace hive::net {

std::optional<host_port> parse_host_port(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return std::nullopt;
  auto digits = text.substr(colon + 1);
  unsigned long port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || port > 65535)
    return std::nullopt;
  return host_port{std::string{text.substr(0, colon)}, static_cast<std::uint16_t>(port)};
}

std::string bare_host(std::string host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

bool is_loopback_host(const std::string& host) {
  auto bare = bare_host(host);
  if (bare == "localhost")
    return true;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(bare, ec);
  return !ec && address.is_loopback();
}

bool is_wildcard_host(const std::string& host) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(bare_host(host), ec);
  return !ec && address.is_unspecified();
}

std::string machine_host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0)
    return {};
  return name;
}

} // namespace hive::net
