#pragma once

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>

namespace hive {

/// Bytes written so far for one file of a job (vendor -> tracker).
struct progress_update {
  std::string file;
  std::uint64_t bytes = 0;
  /// 0 when the size is not known.
  std::uint64_t total = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, progress_update& x) {
  return f(caf::meta::type_name("progress_update"), x.file, x.bytes, x.total);
}

/// Something worth telling a person (anyone -> narration actor).
struct narration_note {
  /// The actor that speaks, e.g. `url_vendor`.
  std::string actor;
  /// A machine-readable verb, e.g. `download_start`.
  std::string action;
  /// What the action is about, e.g. a file name.
  std::string target;
  /// The sentence a person reads.
  std::string human;
  /// `info`, `warn` or `error`.
  std::string level = "info";
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, narration_note& x) {
  return f(caf::meta::type_name("narration_note"), x.actor, x.action, x.target, x.human, x.level);
}

/// A file fully written, verified and moved into place (vendor -> supervisor).
struct file_fetched {
  /// Path relative to the model's folder.
  std::string name;
  /// Absolute path on disk.
  std::string path;
  std::uint64_t size = 0;
  std::string sha256;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, file_fetched& x) {
  return f(caf::meta::type_name("file_fetched"), x.name, x.path, x.size, x.sha256);
}

} // namespace hive

namespace hive {

/// How a vendor's transfer ended, sent from its Asio coroutine to the vendor.
struct transfer_result {
  bool ok = false;
  bool cancelled = false;
  /// A `download_errc` value when not ok.
  std::uint8_t code = 0;
  std::string message;
  std::uint64_t bytes = 0;
  std::uint64_t total = 0;
  std::string sha256;
  /// For `http_status` failures: the status and the source's `X-Error-Code`.
  std::uint32_t http_status = 0;
  std::string error_header;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transfer_result& x) {
  return f(caf::meta::type_name("transfer_result"), x.ok, x.cancelled, x.code, x.message, x.bytes,
           x.total, x.sha256, x.http_status, x.error_header);
}

/// The job's aggregated progress, computed by the tracker (tracker -> narration).
struct progress_report {
  /// The file most recently active.
  std::string file;
  std::uint64_t bytes = 0;
  std::uint64_t total = 0;
  double percent = 0;
  std::uint64_t bytes_per_sec = 0;
  /// -1 when unknown.
  std::int64_t eta_secs = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, progress_report& x) {
  return f(caf::meta::type_name("progress_report"), x.file, x.bytes, x.total, x.percent,
           x.bytes_per_sec, x.eta_secs);
}

} // namespace hive
