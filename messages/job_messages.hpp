#pragma once

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hive {

/// Where a job is, as the API shows it. The numbers are stable: the value
/// travels in messages (CAF 0.17 serializes an enum as its underlying type);
/// its name is the API's business (`state_name` in net/api).
enum class job_phase : std::uint8_t {
  /// Waiting for a download slot.
  queued = 0,
  /// Under way, finalizing included.
  running = 1,
  /// Every file fetched, verified and in the catalog.
  completed = 2,
  /// Ended with an error.
  failed = 3,
  /// Stopped by a user, its partial files removed.
  cancelled = 4,
};

/// A `model_download` operation as the router receives it.
struct download_spec {
  /// The model reference, e.g. `url:https://host/file.gguf`.
  std::string model;
  /// Expected sha256 (lower-case hex) or empty.
  std::string sha256;
  /// The hive the request was addressed to (informational).
  std::string hive_id;
  /// For a whole repository: glob patterns of the files to fetch (any of
  /// `include`, none of `exclude`); empty lists filter nothing.
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  /// A token for this download's source instead of the node's, or empty.
  std::string token;
  /// Replace a catalog entry of the same id fetched from another source
  /// (without it such a download is refused with `model_exists`).
  bool replace = false;
  /// The job's own cap on bytes per second (`"max_rate"`), 0 for none; the
  /// node's cap applies as well.
  std::uint64_t max_rate = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, download_spec& x) {
  return f(caf::meta::type_name("download_spec"), x.model, x.sha256, x.hive_id, x.include,
           x.exclude, x.token, x.replace, x.max_rate);
}

/// A job's final state, sent by its supervisor to the router and narration.
struct job_outcome {
  std::string job_id;
  /// `completed`, `failed` or `cancelled`.
  job_phase state = job_phase::failed;
  /// Error code and message for `failed`, empty otherwise.
  std::string error_code;
  std::string error_message;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_outcome& x) {
  return f(caf::meta::type_name("job_outcome"), x.job_id, x.state, x.error_code, x.error_message);
}

/// A job state change that is not final (`queued` to `running`), for the journal.
struct job_state {
  job_phase state = job_phase::running;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_state& x) {
  return f(caf::meta::type_name("job_state"), x.state);
}

} // namespace hive
