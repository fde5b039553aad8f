#include "net/url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace hive::net {

namespace {

bool has_bad_bytes(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
}

bool valid_port(std::string_view port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc{} && end == port.data() + port.size() && value > 0 && value < 65536;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

} // namespace

std::string url::authority() const {
  bool default_port = (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
  auto name = host.find(':') == std::string::npos ? host : "[" + host + "]";
  return default_port ? name : name + ":" + port;
}

std::string url::host_port() const {
  return (host.find(':') == std::string::npos ? host : "[" + host + "]") + ":" + port;
}

std::string url::str() const {
  return scheme + "://" + authority() + target;
}

std::string url::shown() const {
  return shown_url(str());
}

std::string shown_url(std::string_view text) {
  return std::string{text.substr(0, text.find_first_of("?#"))};
}

std::optional<url> parse_url(std::string_view text) {
  if (text.empty() || has_bad_bytes(text))
    return std::nullopt;
  url result;
  auto sep = text.find("://");
  if (sep == std::string_view::npos)
    return std::nullopt;
  result.scheme.assign(text.substr(0, sep));
  std::transform(result.scheme.begin(), result.scheme.end(), result.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (result.scheme != "http" && result.scheme != "https")
    return std::nullopt;
  auto rest = text.substr(sep + 3);
  auto path_at = rest.find_first_of("/?#");
  auto authority = rest.substr(0, path_at);
  if (authority.empty() || authority.find('@') != std::string_view::npos)
    return std::nullopt;
  auto port_at = authority.rfind(':');
  if (authority.front() == '[') { // IPv6 literal
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    result.host.assign(authority.substr(1, close - 1));
    port_at = close + 1 < authority.size() && authority[close + 1] == ':' ? close + 1
                                                                          : std::string_view::npos;
  } else {
    result.host.assign(authority.substr(0, port_at));
  }
  if (port_at != std::string_view::npos) {
    result.port.assign(authority.substr(port_at + 1));
    if (!valid_port(result.port))
      return std::nullopt;
  } else {
    result.port = result.tls() ? "443" : "80";
  }
  if (result.host.empty())
    return std::nullopt;
  std::string_view target = path_at == std::string_view::npos ? "/" : rest.substr(path_at);
  target = target.substr(0, target.find('#'));
  result.target =
      target.empty() || target.front() != '/' ? "/" + std::string{target} : std::string{target};
  return result;
}

std::optional<url> resolve_location(const url& base, std::string_view location) {
  if (location.find("://") != std::string_view::npos)
    return parse_url(location);
  if (location.substr(0, 2) == "//")
    return parse_url(base.scheme + ":" + std::string{location});
  if (location.empty() || has_bad_bytes(location))
    return std::nullopt;
  url result = base;
  if (location.front() == '/') {
    result.target.assign(location);
  } else {
    auto path = base.target.substr(0, base.target.find('?'));
    result.target = path.substr(0, path.rfind('/') + 1) + std::string{location};
  }
  result.target = result.target.substr(0, result.target.find('#'));
  return result;
}

std::string file_name_of(const url& u) {
  auto path = std::string_view{u.target}.substr(0, u.target.find('?'));
  auto segment = path.substr(path.rfind('/') + 1);
  std::string decoded;
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '%' && i + 2 < segment.size()) {
      int hi = hex_value(segment[i + 1]);
      int lo = hex_value(segment[i + 2]);
      if (hi >= 0 && lo >= 0) {
        decoded += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    decoded += segment[i];
  }
  return decoded;
}

std::string percent_encode(std::string_view text, bool keep_slash) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~'
        || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

} // namespace hive::net
