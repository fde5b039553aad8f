#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hive::net {

namespace detail {
struct open_connection;
} // namespace detail

/// What a kept-alive connection was opened for; it serves nothing else.
struct connection_key {
  std::string scheme;
  std::string host;
  std::string port;
  /// The proxy it goes through (`url::str()`), "" for none.
  std::string proxy;
  /// The extra CA bundle its TLS peer was verified with.
  std::string ca_file;

  bool operator==(const connection_key&) const = default;
};

/// The node's idle keep-alive connections, shared by every transfer and API
/// call on one io_context, so that the next request to a host skips the
/// connect and the TLS handshake. Thread-safe. Bookkeeping only: whether an
/// idle connection is still open is checked by whoever takes it
/// (net/connection.hpp). Destroy it before its io_context: it holds sockets.
class connection_pool {
public:
  using clock = std::chrono::steady_clock;

  struct limits {
    /// Idle connections per key: a file's connections (16 by default) can
    /// all serve the next file from the same host.
    std::size_t per_key = 16;
    /// Idle connections in all.
    std::size_t total = 64;
    /// An idle connection older than this is closed, not reused: below
    /// common servers' keep-alive timeouts (nginx 75 s, S3 and CDNs 60 s), so
    /// that we rarely send on a connection the server is closing.
    std::chrono::milliseconds idle_timeout{std::chrono::seconds{30}};
  };

  connection_pool();
  explicit connection_pool(limits caps);
  /// Closes every idle connection.
  ~connection_pool();
  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;

  /// The connection for `key` that went idle last, if one is younger than
  /// the idle timeout at `now`; those that expired are closed.
  std::unique_ptr<detail::open_connection> take(const connection_key& key, clock::time_point now);
  /// Keeps `connection` idle for `key` from `now`; when a cap is reached, the
  /// one idle longest (of the key, else of all) is closed.
  void give(const connection_key& key, std::unique_ptr<detail::open_connection> connection,
            clock::time_point now);
  /// Idle connections now.
  std::size_t idle() const;

private:
  struct entry {
    connection_key key;
    std::unique_ptr<detail::open_connection> connection;
    clock::time_point since;
  };

  /// Moves the entries idle too long at `now` into `closing`; under the lock.
  void expire(clock::time_point now, std::vector<entry>& closing);

  limits caps_;
  mutable std::mutex mtx_;
  /// Oldest first.
  std::vector<entry> idle_;
};

} // namespace hive::net
