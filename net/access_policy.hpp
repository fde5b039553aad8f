#pragma once

#include <string>
#include <vector>

namespace hive::net {

/// Who may use the API beyond loopback pages and tools without a secret
/// (see net/request_guard.hpp). A plain struct, so that settings can carry it
/// without pulling in the HTTP server.
struct access_policy {
  /// Host names (without a port) answered besides the loopback names and the
  /// listen address, e.g. the name a reverse proxy forwards (`--allowed-host`).
  std::vector<std::string> allowed_hosts;
  /// When not empty, every `/v1/` request needs `Authorization: Bearer` with it.
  std::string api_token;
  /// When not empty, other hives may fetch blobs (`/v1/blobs/...`) with
  /// `Authorization: Bearer` and it (`--cluster-secret-file`); such requests
  /// need it instead of the API token. Empty: blobs are not served.
  std::string cluster_secret = {};
};

} // namespace hive::net
