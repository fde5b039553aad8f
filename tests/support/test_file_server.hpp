#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hive::test {

/// A real HTTP(S) file server on a loopback port, for integration tests.
///
/// Routes:
/// - `GET /files/<name>[?rate=BYTES_PER_SEC][&reset_after=BYTES][&stall_after=BYTES]`:
///   a file registered with `add_file`, optionally throttled, optionally cut
///   off by a TCP reset or left hanging after some bytes of this answer's body.
///   Files carry a strong ETag; `Range: bytes=N-` or `bytes=N-M` without an
///   `If-Range` or with a matching one gets a 206 with those bytes, with any
///   other `If-Range` the whole file. `ranges=1` says `Accept-Ranges: bytes`.
///   `stall_once_at=OFFSET` / `reset_once_at=OFFSET`: the first answer that
///   reaches that byte of the file stalls or is reset there; later ones do not.
///   More faults: `status=CODE` answers that status (empty body) instead;
///   `overrun=BYTES` sends that many bytes more than its Content-Length;
///   `chunked=1` sends the body chunked, without a length;
///   `announce=BYTES` claims that Content-Length whatever it sends;
///   `max_open=N` closes a connection unanswered while N answers are being sent;
///   `bearer=TOKEN` answers 401 to a request without `Authorization: Bearer TOKEN`.
///   A whole answer without faults keeps its connection alive for the next
///   request, unless `close=1` (it says `Connection: close`) or `hangup=1`
///   (it says keep-alive and closes all the same, as a server whose
///   keep-alive timeout expired); `drop_reused=1` closes a connection
///   unanswered when the request is not its first. Other routes close.
/// - `GET /redirect/<n>/<rest>`: 302 to `/redirect/<n-1>/<rest>`, at 0 to `/<rest>`.
/// - `GET /status/<code>`: an empty answer with that status.
/// - `GET /hang/<anything>`: reads the request and never answers.
/// - `GET /flaky/<n>/<name>`: the first n requests get 503 with `Retry-After: 0`.
/// - `GET /signed/<name>?QUERY`: 302 to `/files/<name>?sig=N&QUERY`, N new each time; with
///   `expire_sig_after=K` in QUERY a signed URL answers 403 once used K times (as a CDN's
///   signature expires).
/// - `GET /cross/<port>/<rest>`: 302 to `http://localhost:<port>/<rest>` (another host name).
class test_file_server {
public:
  struct tls_files {
    std::string cert_pem;
    std::string key_pem;
  };

  /// Starts plain HTTP on 127.0.0.1 and a free port.
  test_file_server();
  /// Starts HTTPS with the given certificate and key.
  explicit test_file_server(tls_files tls);
  ~test_file_server();

  /// Serves `content` as `/files/<name>`, replacing (and re-tagging) any earlier one.
  void add_file(const std::string& name, std::string content);
  /// The ETag `/files/<name>` is served with.
  std::string etag(const std::string& name) const;
  std::uint16_t port() const;
  /// TCP connections accepted so far.
  std::size_t connections_accepted() const;
  /// `http(s)://127.0.0.1:<port>`.
  std::string base_url() const;
  /// Request targets seen so far, in order.
  std::vector<std::string> requests() const;
  /// The Range header of each request, in order ("" when absent).
  std::vector<std::string> ranges() const;
  /// The If-Range header of each request, in order ("" when absent).
  std::vector<std::string> if_ranges() const;
  /// Body bytes written to each request's connection, in order (what a
  /// client was sent, whether or not it read it all).
  std::vector<std::uint64_t> bytes_served() const;
  /// The connection each request came on (numbered from 0 as they were
  /// taken up), in order.
  std::vector<std::size_t> connections_of_requests() const;
  /// The Authorization header of each request, in order ("" when absent).
  std::vector<std::string> authorizations() const;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

/// Deterministic pseudo-random bytes (a test file's content).
std::string make_test_bytes(std::size_t size, std::uint32_t seed = 1);

/// A whole file's bytes ("" when it cannot be read).
std::string read_file(const std::filesystem::path& path);

/// sha256 of `data`, lower-case hex.
std::string sha256_hex(const std::string& data);

/// The folder with the test TLS material (`tests/data/tls`).
std::string tls_dir();

} // namespace hive::test
