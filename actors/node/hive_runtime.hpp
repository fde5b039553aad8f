#pragma once

#include "actors/cluster/cluster_settings.hpp"
#include "actors/vendors/job_settings.hpp"
#include "net/access_policy.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace hive {

class blob_locator;

/// Settings of a whole provisioner node.
struct runtime_settings {
  std::string listen_host = "127.0.0.1";
  /// 0 picks a free port (tests).
  std::uint16_t listen_port = 7835;
  /// Host names and API token beyond loopback (`--allowed-host`,
  /// `--api-token-file`), and the cluster token blobs are served with
  /// (`--cluster-secret-file`).
  net::access_policy access;
  /// Connections the API holds at once; 0 derives it from the open-files limit.
  std::size_t max_connections = 0;
  /// A client that takes no bytes for this long is dropped (tests shrink it).
  std::chrono::milliseconds write_timeout{std::chrono::seconds{30}};
  job_settings jobs;
  cluster_settings cluster;
  /// Threads running network I/O (HTTP server and transfers).
  unsigned io_threads = 2;
  /// Threads of CAF's scheduler.
  unsigned actor_threads = 2;
};

/// The provisioner embedded in a process: the actor system with its router,
/// catalog and registry, the Asio threads, and the HTTP API. Starts in the
/// constructor; the destructor shuts down in the only safe order (HTTP,
/// actors' work, Asio threads joined, then the actor system).
class hive_runtime {
public:
  explicit hive_runtime(runtime_settings settings);
  ~hive_runtime();
  hive_runtime(const hive_runtime&) = delete;
  hive_runtime& operator=(const hive_runtime&) = delete;

  /// The port the API listens on.
  std::uint16_t port() const;
  /// `http://host:port`.
  std::string base_url() const;
  /// The blobs this node holds or fetches (what other hives may ask of it).
  std::shared_ptr<const blob_locator> blobs() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace hive
