#pragma once

#include <caf/error.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace hive {

/// Why a download job failed. The numbers are stable: they travel inside
/// `caf::error` values from vendor actors to their supervisor.
enum class download_errc : std::uint8_t {
  /// DNS failure, refused connection or the connect timeout expired.
  connection_failed = 1,
  /// TLS handshake failed or the certificate did not verify.
  tls_failed = 2,
  /// The server answered with a status that is neither success nor redirect.
  http_status = 3,
  /// More than the allowed number of redirects.
  too_many_redirects = 4,
  /// The peer closed or reset the connection before the body was complete.
  connection_reset = 5,
  /// No byte arrived within the stall timeout.
  stalled = 6,
  /// The data does not match the expected sha256.
  checksum_mismatch = 7,
  /// A local file operation failed (disk full, permissions, ...).
  io_failed = 8,
  /// The job was cancelled by a user.
  cancelled = 9,
  /// A bug or an unexpected state; the message says more.
  internal = 10,
  /// The Hugging Face repository does not exist (or is private without a token).
  repo_not_found = 11,
  /// The repository is gated: its licence must be accepted and a token set.
  gated_repo = 12,
  /// The repository has no such file at that revision.
  entry_not_found = 13,
  /// The repository has no such branch, tag or commit.
  revision_not_found = 14,
  /// The source refused our credentials (401/403).
  unauthorized = 15,
  /// A quantisation tag matches several files of the repository.
  ambiguous_reference = 16,
  /// A repository listing names a path that would leave the snapshot.
  unsafe_path = 17,
  /// Another job is writing the same file right now.
  file_busy = 18,
  /// A local file to import cannot be read (permissions, a read error, or
  /// not a regular file).
  unreadable = 19,
  /// A build recipe could not start or ended with a non-zero exit.
  build_failed = 20,
  /// The source's API rate limit is used up until a given time (GitHub).
  rate_limited = 21,
  /// The source sent more (or fewer) bytes than it announced.
  size_mismatch = 22,
  /// The disk holding the target folder is full.
  insufficient_space = 23,
};

/// Why the API refused a request. Each value maps to one HTTP status.
enum class api_errc : std::uint8_t {
  /// The body is not valid JSON (400).
  invalid_json = 1,
  /// `operation` names no operation we know (400).
  unknown_operation = 2,
  /// A required field is absent (400).
  missing_field = 3,
  /// A field has the wrong type or an invalid value (400).
  invalid_field = 4,
  /// The model reference cannot be parsed or names no known vendor (400).
  invalid_model_ref = 5,
  /// The request body is larger than the server accepts (413).
  payload_too_large = 6,
  /// No such route, job or model (404).
  not_found = 7,
  /// The route exists but not for this method (405).
  method_not_allowed = 8,
  /// The job already reached a final state (409).
  job_finished = 9,
  /// The same model is already being downloaded by another job (409).
  already_downloading = 10,
  /// The server failed while answering (500).
  internal = 11,
  /// The `Host` header names neither the listen address, a loopback name nor an
  /// allowed host: a DNS-rebinding page, say (403).
  forbidden_host = 12,
  /// A state-changing request came from a foreign `Origin` (403).
  forbidden_origin = 13,
  /// A request body that is not `application/json` (415).
  unsupported_media_type = 14,
  /// The API token is missing or wrong (401).
  unauthorized = 15,
  /// `local:` is off, or the path is outside every import root (403).
  import_not_allowed = 16,
  /// The job queue is full (429).
  too_many_jobs = 17,
  /// The server is at its connection cap (503).
  too_many_connections = 18,
  /// Another source's model already has this id; `"replace": true` overrides (409).
  model_exists = 19,
  /// A live job uses the model (409).
  model_in_use = 20,
  /// `hive_id` names no hive of the cluster (404).
  unknown_hive = 21,
  /// The hive is known but down: its link is gone (503).
  hive_unavailable = 22,
  /// No complete blob and no transfer under way with that sha256 (404).
  blob_not_found = 23,
  /// A `Range` that starts past the end of the blob (416).
  range_not_satisfiable = 24,
};

std::string_view code_of(download_errc x);
std::string_view code_of(api_errc x);
unsigned http_status_of(api_errc x);

caf::error make_error(download_errc x);
caf::error make_error(download_errc x, std::string message);
caf::error make_error(api_errc x);
caf::error make_error(api_errc x, std::string message);
/// A refusal about a job (`model_in_use`): the API names the job beside the message.
caf::error make_error(api_errc x, std::string message, std::string job_id);

/// True for the exit reason a job supervisor sends its vendors on a cancel.
bool is_cancellation(const caf::error& reason);

/// The `download_errc` that `err` carries; `internal` for any other error.
download_errc download_code_of(const caf::error& err);

/// A `caf::error` taken apart for the API and the event stream.
struct error_view {
  std::string code;
  std::string message;
  unsigned http_status = 500;
  /// The job the error is about, or empty.
  std::string job_id = {};
};

/// Describes any error: ours by code and message, CAF's own as `internal`.
error_view describe(const caf::error& err);

} // namespace hive
