#include "net/url.hpp"

#include <algorithm>
#include <boost/url.hpp>
#include <charconv>

namespace hive::net {

namespace urls = boost::urls;

namespace {

bool has_bad_bytes(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
}

/// `text` with what RFC 3986 allows nowhere percent-encoded, as curl does
/// before parsing: bytes above 0x7e, `"<>\^`{|}`, a `%` that starts no
/// escape, a second `#`, and brackets that enclose no IP literal after `//`.
std::string encode_stray_bytes(std::string_view text) {
  static constexpr auto kept = urls::unreserved_chars + urls::sub_delim_chars + ":/?@";
  std::string out;
  bool in_literal = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool keep = kept(c) || (c == '#' && out.find('#') == std::string::npos)
                || (c == '%' && i + 2 < text.size() && urls::grammar::hexdig_chars(text[i + 1])
                    && urls::grammar::hexdig_chars(text[i + 2]));
    if (c == '[' || c == ']') {
      keep = c == '[' ? out.ends_with("//") : in_literal;
      in_literal = keep && c == '[';
    }
    if (keep)
      out += c;
    else
      out += urls::encode({&c, 1}, urls::unreserved_chars);
  }
  return out;
}

bool valid_port(std::string_view port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc{} && end == port.data() + port.size() && value > 0 && value < 65536;
}

/// `u` split for a client; nullopt unless http(s) with a host, no user info
/// and a port in 1..65535. Boost 1.81 takes `h:8a/x` for port 8 and path `a/x`
/// (boostorg/url#680), and wraps ports above 65535: both are checked here.
std::optional<url> to_url(const urls::url_view_base& u) {
  bool http = u.scheme_id() == urls::scheme::http || u.scheme_id() == urls::scheme::https;
  auto path = u.encoded_path();
  if (!http || !u.has_authority() || u.has_userinfo() || u.encoded_host().empty()
      || (u.has_port() && !valid_port(u.port())) || (!path.empty() && !path.starts_with('/')))
    return std::nullopt;
  url result{std::string{urls::to_string(u.scheme_id())}, std::string{u.encoded_host_address()},
             std::string{u.port()}, std::string{u.encoded_target()}};
  if (!u.has_port())
    result.port = result.tls() ? "443" : "80";
  if (path.empty())
    result.target.insert(0, "/");
  return result;
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
  if (has_bad_bytes(text))
    return std::nullopt;
  auto encoded = encode_stray_bytes(text);
  auto parsed = urls::parse_uri(encoded);
  return parsed ? to_url(*parsed) : std::nullopt;
}

std::optional<url> resolve_location(const url& base, std::string_view location) {
  if (location.empty() || has_bad_bytes(location))
    return std::nullopt;
  auto encoded = encode_stray_bytes(location);
  auto ref = urls::parse_uri_reference(encoded);
  auto base_text = base.str();
  auto from = urls::parse_uri(base_text);
  urls::url resolved;
  if (!ref || !from || !urls::resolve(*from, *ref, resolved))
    return std::nullopt;
  // Boost 1.81 keeps `..` that climbs above the root (RFC errata 4547);
  // RFC 3986 section 5.4.2 drops it: `../../../g` from `/b/c/d` is `/g`.
  // (It also sets a path of "/" as "/./": "" is the same for http.)
  std::string path{resolved.encoded_path()};
  while (path.starts_with("/..") && (path.size() == 3 || path[3] == '/'))
    path.erase(0, 3);
  resolved.set_encoded_path(path == "/" ? "" : path);
  return to_url(resolved);
}

std::string file_name_of(const url& u) {
  auto target = urls::parse_origin_form(u.target);
  if (!target || target->segments().empty())
    return {};
  return target->segments().back();
}

std::string percent_encode(std::string_view text, bool keep_slash) {
  return urls::encode(text, keep_slash ? urls::unreserved_chars + '/' : urls::unreserved_chars);
}

} // namespace hive::net
