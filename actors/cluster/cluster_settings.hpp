#pragma once

#include "net/host_port.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace hive {

/// How a hive takes part in its cluster. Every interval is injectable.
struct cluster_settings {
  /// `--cluster-listen`: where this hive's cluster actor is published; none:
  /// it is not (it may still dial its peers).
  std::optional<net::host_port> listen;
  /// `--cluster-peer`: hives to join at start-up; one reachable is enough.
  std::vector<net::host_port> peers;
  /// `--cluster-cert`, `--cluster-key`, `--cluster-ca`: all three (links are
  /// mutually authenticated TLS) or none (plain links on loopback only).
  std::string cert;
  std::string key;
  std::string ca;
  /// How often the hive refreshes its own status and pushes it when it changed.
  std::chrono::milliseconds status_interval{std::chrono::seconds{1}};
  /// A status is pushed at least every this many intervals, changed or not.
  unsigned push_every = 10;
  /// The longest a connection and join to a peer may take.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds{10}};
  /// The first wait before dialing a hive again, doubling up to `redial_max`.
  std::chrono::milliseconds redial_min{std::chrono::milliseconds{250}};
  std::chrono::milliseconds redial_max{std::chrono::seconds{10}};
  /// How long each hive may take to give its actor rows when one hive
  /// gathers them all (`GET /v1/actors?cluster=1`): short, as a hive that is
  /// up answers from memory.
  std::chrono::milliseconds gather_timeout{std::chrono::seconds{2}};
  /// The cluster token other hives serve blobs with (`--cluster-secret-file`);
  /// empty: this hive fetches no blob from them (and serves none).
  std::string blob_secret;
  /// How long a hive asked whether it holds a blob may take to answer
  /// before it is left out of the mirrors (it costs a download that long;
  /// `--cluster-mirror-ms`).
  std::chrono::milliseconds mirror_timeout{std::chrono::seconds{2}};
  /// How soon a hive still deciding where to fetch a blob from is asked
  /// again (blob_mirrors.hpp: `mirror_gatherer`).
  std::chrono::milliseconds mirror_recheck{std::chrono::milliseconds{20}};
  /// The most hives one file is fetched from at once (`--cluster-mirrors`);
  /// 0: none is asked, every file comes from its origin.
  std::size_t max_mirrors = 4;

  bool tls() const {
    return !cert.empty();
  }
  /// Whether the hive talks to others at all: it then loads CAF's middleman.
  bool networked() const {
    return listen.has_value() || !peers.empty();
  }
};

} // namespace hive
