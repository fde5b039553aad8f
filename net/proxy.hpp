#pragma once

#include "net/url.hpp"

#include <optional>
#include <string>

namespace hive::net {

/// Which proxy, if any, a transfer goes through: the `HTTPS_PROXY` /
/// `HTTP_PROXY` / `NO_PROXY` conventions of curl and most HTTP clients.
/// Proxies are plain-HTTP proxies; HTTPS is tunnelled with CONNECT.
struct proxy_settings {
  /// Proxy URL for https:// targets (`http://host:port`), empty for none.
  std::string https_proxy;
  /// Proxy URL for http:// targets, empty for none.
  std::string http_proxy;
  /// Comma-separated hosts that bypass the proxy: `*`, a host name (which also
  /// covers its subdomains) or `.domain`; ports are ignored.
  std::string no_proxy;

  /// From the environment, upper or lower case, as curl reads it.
  static proxy_settings from_environment();

  struct choice {
    /// The proxy to go through; nullopt for a direct connection.
    std::optional<url> proxy;
    /// Set when a proxy is configured but unusable (not an http:// URL).
    std::string error;
  };
  choice proxy_for(const url& target) const;
};

} // namespace hive::net
