#include "net/proxy.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

namespace hive::net {

namespace {

std::string env(const char* upper, const char* lower) {
  for (const char* name : {lower, upper})
    if (const char* value = std::getenv(name); value && *value)
      return value;
  return {};
}

std::string lower(std::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

/// True when `host` is `pattern` or one of its subdomains.
bool bypassed(const std::string& host, std::string_view pattern) {
  pattern = trim(pattern);
  pattern = pattern.substr(0, pattern.find(':'));
  if (pattern.empty())
    return false;
  if (pattern == "*")
    return true;
  if (pattern.front() == '.')
    pattern.remove_prefix(1);
  auto p = lower(pattern);
  return host == p
         || (host.size() > p.size() && host.compare(host.size() - p.size(), p.size(), p) == 0
             && host[host.size() - p.size() - 1] == '.');
}

} // namespace

proxy_settings proxy_settings::from_environment() {
  return {env("HTTPS_PROXY", "https_proxy"), env("HTTP_PROXY", "http_proxy"),
          env("NO_PROXY", "no_proxy")};
}

proxy_settings::choice proxy_settings::proxy_for(const url& target) const {
  const auto& configured = target.tls() ? https_proxy : http_proxy;
  if (configured.empty())
    return {};
  auto host = lower(target.host);
  std::string_view list = no_proxy;
  while (!list.empty()) {
    auto comma = list.find(',');
    if (bypassed(host, list.substr(0, comma)))
      return {};
    list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
  }
  auto text = configured.find("://") == std::string::npos ? "http://" + configured : configured;
  auto proxy = parse_url(text);
  if (!proxy || proxy->tls())
    return {std::nullopt,
            "unusable proxy '" + configured + "': only http://host:port proxies are supported"};
  return {proxy, {}};
}

} // namespace hive::net
