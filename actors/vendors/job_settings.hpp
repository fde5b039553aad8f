#pragma once

#include "actors/vendors/vendor_settings.hpp"
#include "net/http_request.hpp"
#include "net/proxy.hpp"
#include "net/rate_limit.hpp"

#include <caf/actor.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
class thread_pool;
} // namespace boost::asio

namespace hive::net {
class connection_pool;
class space_ledger;
} // namespace hive::net

namespace hive {

class transfer_board;

/// Node-wide settings every job inherits. Every timeout is injectable.
struct job_settings {
  /// This hive's name in its cluster (`--hive-id`), stamped on its jobs;
  /// empty: the machine's host name.
  std::string hive_id;
  /// Root of the catalog: one folder per model.
  std::filesystem::path models_dir;
  /// Running downloads at once; the rest wait in the queue.
  std::size_t max_concurrent = 4;
  /// Jobs waiting for a slot at once; more are refused with `too_many_jobs`.
  std::size_t max_queued = 1000;
  /// Minimum time between two progress events of one job.
  std::chrono::milliseconds progress_interval{100};
  /// Time between two heartbeat narrations of one job.
  std::chrono::milliseconds heartbeat_interval{std::chrono::seconds{10}};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds{10}};
  /// A part with no byte this long starts again on a fresh connection; a
  /// transfer on one connection fails (`stalled`).
  std::chrono::milliseconds stall_timeout{std::chrono::seconds{30}};
  /// The most connections one file may use (`--connections-per-file`, 1 to 64).
  unsigned connections_per_file = 16;
  /// First wait before retrying a source that answered 408, 429 or 5xx (doubling).
  std::chrono::milliseconds retry_backoff{std::chrono::seconds{1}};
  /// Extra CA bundle for HTTPS (PEM), empty for the system's only.
  std::string ca_file;
  /// Proxies for transfers (provisiond takes them from the environment).
  net::proxy_settings proxy;
  /// The node's cap on bytes per second (`--max-rate`; 0: none), one object
  /// shared by every job's transfers, so copies of these settings share it.
  std::shared_ptr<net::rate_limit> max_rate = std::make_shared<net::rate_limit>();
  /// How long another hive may take to accept, cancel or list for a job
  /// forwarded to it (each step; below the API's 10 s).
  std::chrono::milliseconds forward_timeout{std::chrono::seconds{5}};
  /// Files of one job downloaded at once.
  std::size_t parallel_files = 4;
  /// Free space a job must leave on each file system it writes to; a job
  /// whose files would eat into it fails before its first byte.
  std::uint64_t min_free = std::uint64_t{1} << 30;
  /// Each vendor's own settings: `vendors.of<hf_settings>()`.
  vendor_settings vendors;
  /// Where vendors run their network I/O; null in actor-only tests.
  boost::asio::io_context* io = nullptr;
  /// Where transfers hash and write their data; null runs that inline.
  boost::asio::thread_pool* disk = nullptr;
  /// Idle keep-alive connections every transfer and metadata request of the
  /// node takes from and gives back (on `io`); null opens one per request.
  net::connection_pool* connections = nullptr;
  /// Space promised to running jobs, node-wide; null in actor-only tests
  /// that check no free space.
  net::space_ledger* space = nullptr;
  /// The node's transfers under way, which jobs needing the same file share;
  /// null in actor-only tests, where each job transfers on its own.
  std::shared_ptr<transfer_board> transfers;
  /// This hive's cluster actor, asked which other hives hold a file named by
  /// its sha256 before it is fetched from its origin (`mirrors_atom`);
  /// invalid when the hive fetches no blob from others (no cluster secret, or
  /// no cluster to be in).
  caf::actor cluster;
};

/// How a vendor asks its source for metadata: the node's trust, proxies,
/// timeouts and retry policy.
inline net::request_options metadata_options(const job_settings& s) {
  net::request_options options;
  options.ca_file = s.ca_file;
  options.proxy = s.proxy;
  options.connect_timeout = s.connect_timeout;
  options.timeout = s.stall_timeout;
  options.retry_backoff = s.retry_backoff;
  options.connections = s.connections;
  return options;
}

} // namespace hive
