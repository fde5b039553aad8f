#pragma once

#include "messages/errc.hpp"
#include "messages/transfer_messages.hpp"
#include "net/proxy.hpp"
#include "net/rate_limit.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
class thread_pool;
} // namespace boost::asio

namespace hive::net {

class connection_pool;

/// Knobs of one download. Every timeout is injectable so tests can shrink them.
struct fetch_request {
  std::string url;
  /// Where the body goes while it is being written (`<file>.part`).
  std::filesystem::path part_path;
  /// Sent as `Authorization: Bearer`, only to `token_origin`.
  std::string bearer_token;
  /// The origin (`scheme://host[:port]`) the token belongs to; empty for the
  /// first URL's. A redirect elsewhere (another host, port or scheme) goes
  /// without it.
  std::string token_origin;
  /// The `Accept` header, empty for none (GitHub serves an asset's bytes
  /// only to `application/octet-stream`).
  std::string accept;
  /// Extra CA bundle to trust besides the system's (PEM); empty for none.
  std::string ca_file;
  /// Proxies to go through (none by default).
  proxy_settings proxy;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds{10}};
  /// Fails the download when no byte arrives for this long.
  std::chrono::milliseconds stall_timeout{std::chrono::seconds{30}};
  /// Minimum time between two `on_progress` calls.
  std::chrono::milliseconds progress_interval{std::chrono::milliseconds{50}};
  int max_redirects = 10;
  /// Answers that say "later" (408, 429, 5xx) are retried this many times,
  /// after their Retry-After (in seconds) or an exponential backoff from this.
  int max_retries = 4;
  std::chrono::milliseconds retry_backoff{std::chrono::seconds{1}};
  /// Continue a partial file left by an interrupted attempt (see part_file.hpp),
  /// if the source still serves the same version.
  bool resume = true;
  /// The sha256 that names the file's content (a Hub LFS blob, an Ollama
  /// layer, a digest given with the job), lower-case hex; empty for none.
  /// Such a file resumes and is fetched in parts without a validator from
  /// the source: the same name is the same bytes, and the final hash decides.
  std::string content_sha256;
  /// The most connections one file may use (`--connections-per-file`); the
  /// transfer adds them while they raise its rate. A file whose source
  /// accepts ranges, whose size is known and at least twice `piece_size`,
  /// and whose version can be told (a validator or `content_sha256`) is
  /// fetched in parts.
  unsigned connections_per_file = 16;
  /// The smallest piece handed to a connection.
  std::uint64_t piece_size = 4 * 1024 * 1024;
  /// How often parts may start again on a fresh connection (after a stall
  /// or a reset) before the transfer gives up; no retry is used for them.
  unsigned max_part_restarts = 16;
  /// The size the source announced for the file (the Hub's `X-Linked-Size`, a
  /// release asset's, an Ollama layer's); 0 when unknown. An answer that
  /// announces another length, or a body that grows past it, fails at once
  /// with `size_mismatch`.
  std::uint64_t expected_size = 0;
  /// The most a download may be (`--max-download-size`); 0 for no limit. An
  /// answer that announces more is refused before its body, a body that
  /// grows past it is cut off (`size_mismatch`).
  std::uint64_t max_size = 0;
  /// Caps on bytes per second the transfer shares with others (its job's,
  /// the node's); none by default. Read in small steps while one is set.
  std::vector<std::shared_ptr<rate_limit>> rate_limits;
  /// Size of each of the two buffers a connection alternates between while
  /// it is the transfer's only one; N connections take 1/N of it each (at
  /// least 64 KiB), so that a transfer's memory stays bounded.
  std::size_t buffer_size = 1024 * 1024;
  /// Where hashing and file writes run, overlapping the next socket read;
  /// null runs them inline on the transfer's strand.
  boost::asio::thread_pool* disk = nullptr;
  /// Idle keep-alive connections to take from and give back (the node's,
  /// on the io_context the transfer runs on); null for none.
  connection_pool* connections = nullptr;
  /// Other places that serve the file (other hives), used only when
  /// `content_sha256` names it: parts come from them first, spread over
  /// those that work, and `url` is asked only for what they cannot give. A
  /// mirror that fails (refused, an error status, a redirect, a reset, a
  /// stall, another size) is dropped for the rest of the fetch, and its part
  /// goes on from where it stopped on another mirror, or on `url`.
  std::vector<blob_source> mirrors;
};

/// Callbacks from the Asio thread that runs the download. They must be
/// thread-safe (in practice: they `anon_send` to actors). URLs come as
/// `url::shown` gives them, without a signed URL's query.
struct fetch_observer {
  /// Once, when a success status arrives: the final URL, the size (0 if
  /// unknown) and how many of its bytes an earlier attempt already fetched.
  std::function<void(const std::string& url, std::uint64_t total, std::uint64_t resumed_from)>
      on_response;
  std::function<void(const std::string& from, const std::string& to)> on_redirect;
  /// Before waiting to try again: which attempt failed, the wait, and why.
  std::function<void(int attempt, std::chrono::milliseconds delay, const std::string& why)>
      on_retry;
  /// Bytes of the file so far, its size (0 if unknown), the connections
  /// that carry it, and the bytes each source has sent (the origin named
  /// `origin`).
  std::function<void(std::uint64_t bytes, std::uint64_t total, std::uint32_t connections,
                     const std::vector<source_bytes>& sources)>
      on_progress;
  /// A mirror was dropped for this fetch: its name and why.
  std::function<void(const std::string& name, const std::string& why)> on_source_failed;
};

/// How a download ended. On success the part file is complete and synced;
/// on failure it keeps what arrived, with its validator, for a resume, unless
/// what arrived cannot be trusted or continued: after `size_mismatch`,
/// `insufficient_space` or a cancel the part file is gone.
struct fetch_outcome {
  bool ok = false;
  bool cancelled = false;
  download_errc code = download_errc::internal;
  std::string message;
  std::uint64_t bytes = 0;
  std::uint64_t total = 0;
  /// Bytes that came from an earlier attempt (0 when started from scratch).
  std::uint64_t resumed_from = 0;
  /// For `http_status` failures: the status, and the answer's headers (names
  /// in lower case), which say why and until when: the Hub's `X-Error-Code`,
  /// GitHub's `X-RateLimit-*`, `Retry-After`.
  unsigned http_status = 0;
  std::map<std::string, std::string> refusal_headers;
  std::string sha256;
  /// Bytes fetched from each source, as `on_progress` last gave them.
  std::vector<source_bytes> sources;
};

/// Stops a running download at once: emits a terminal cancellation into the
/// coroutine's current operation; once it has unwound, its part file is
/// removed. Safe to call from any thread, more than once.
using fetch_canceller = std::function<void()>;

/// Starts downloading `req.url` into `req.part_path` on a strand of `ioc`;
/// `done` runs on that strand exactly once.
fetch_canceller start_fetch(boost::asio::io_context& ioc, fetch_request req, fetch_observer obs,
                            std::function<void(fetch_outcome)> done);

} // namespace hive::net
