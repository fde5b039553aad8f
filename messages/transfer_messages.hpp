#pragma once

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hive {

/// Another place that serves a content-addressed file's bytes (a hive of the
/// cluster that holds or is fetching it), tried before the file's origin.
struct blob_source {
  /// How narration and progress name it, e.g. `hive gpu-03`.
  std::string name;
  /// The file's full URL there (`GET` with `Range`; no redirect is followed).
  std::string url;
  /// Sent as `Authorization: Bearer` to that URL only; empty for none.
  std::string bearer_token;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, blob_source& x) {
  return f(caf::meta::type_name("blob_source"), x.name, x.url, x.bearer_token);
}

/// Bytes of a file that came from one source: a mirror by its name, or
/// `origin` (the file's own URL).
struct source_bytes {
  std::string name;
  std::uint64_t bytes = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, source_bytes& x) {
  return f(caf::meta::type_name("source_bytes"), x.name, x.bytes);
}

/// Bytes written so far for one file of a job (vendor -> tracker).
struct progress_update {
  std::string file;
  std::uint64_t bytes = 0;
  /// 0 when the size is not known.
  std::uint64_t total = 0;
  /// Connections carrying the file now (0 for a local copy or a build).
  std::uint32_t connections = 0;
  /// Bytes fetched from each source that sent some, in the order they were
  /// first used (none for a local copy or a build).
  std::vector<source_bytes> sources{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, progress_update& x) {
  return f(caf::meta::type_name("progress_update"), x.file, x.bytes, x.total, x.connections,
           x.sources);
}

/// How much a narration matters to a person; stable numbers, as `job_phase`.
enum class narration_level : std::uint8_t {
  info = 0,
  warn = 1,
  error = 2,
};

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
  narration_level level = narration_level::info;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, narration_note& x) {
  return f(caf::meta::type_name("narration_note"), x.actor, x.action, x.target, x.human, x.level);
}

/// A file fully written, verified and moved into place (vendor -> supervisor).
struct file_fetched {
  /// Path within the model, as its source names it.
  std::string name;
  /// Absolute path on disk: the file, or a symlink to `blob`.
  std::string path;
  std::uint64_t size = 0;
  std::string sha256;
  /// The content-addressed file `path` links to; empty when `path` is the file.
  std::string blob;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, file_fetched& x) {
  return f(caf::meta::type_name("file_fetched"), x.name, x.path, x.size, x.sha256, x.blob);
}

/// Another name of a file's content, and the link that gives it that name.
struct file_alias {
  std::string name;
  std::string link_path;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, file_alias& x) {
  return f(caf::meta::type_name("file_alias"), x.name, x.link_path);
}

/// One file a job must fetch and verify (resolver -> supervisor -> vendor).
struct file_task {
  /// Path within the model, as its source names it.
  std::string name;
  std::string url;
  /// An absolute local file to import instead of fetching `url` (`local:`,
  /// the outputs of `build:`); empty for downloads.
  std::string source_path;
  /// Where bytes go while they arrive, and where the verified file is moved.
  std::string part_path;
  std::string final_path;
  /// A symlink to create to `final_path` (relative), or empty.
  std::string link_path;
  /// Other files of the job with the same content (a snapshot's identical
  /// files share one blob), linked to `final_path` as well.
  std::vector<file_alias> aliases;
  /// Announced size; 0 when unknown.
  std::uint64_t size = 0;
  /// Expected digests (lower-case hex), empty when unknown: sha256 of the
  /// content, or git's blob id (sha1) for files the source keeps in git.
  std::string sha256;
  std::string git_sha1;
  /// The source's version tag of the file (the Hub's ETag), empty if none.
  std::string etag;
  /// Set when `final_path` lies in a content-addressed store that other jobs
  /// and tools share (Ollama's blobs): the file is recorded as its own blob,
  /// and a failed or cancelled job keeps it once verified.
  bool shared = false;
  /// The `Accept` header the source needs, empty for none.
  std::string accept;
  /// A token the resolver obtained for this file and the origin it belongs
  /// to (a registry's bearer token); empty to use the job's.
  std::string bearer_token;
  std::string token_origin;
  /// Other places that serve the same bytes, tried before `url`; used only
  /// when `sha256` names the content.
  std::vector<blob_source> mirrors{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, file_task& x) {
  return f(caf::meta::type_name("file_task"), x.name, x.url, x.source_path, x.part_path,
           x.final_path, x.link_path, x.aliases, x.size, x.sha256, x.git_sha1, x.etag, x.shared,
           x.accept, x.bearer_token, x.token_origin, x.mirrors);
}

/// A small file a job writes itself once every fetched file is verified
/// (an Ollama manifest, which makes the model exist for Ollama).
struct file_write {
  /// Path within the model, as its source names it.
  std::string name;
  /// Absolute path on disk; written atomically.
  std::string path;
  std::string content;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, file_write& x) {
  return f(caf::meta::type_name("file_write"), x.name, x.path, x.content);
}

/// What a job has to fetch, as its resolver worked it out (resolver -> supervisor).
struct job_files {
  std::vector<file_task> tasks;
  /// Files already on disk from an earlier download, recorded but not fetched.
  std::vector<file_fetched> present;
  /// Written last, only when every task succeeded.
  std::vector<file_write> written_last;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_files& x) {
  return f(caf::meta::type_name("job_files"), x.tasks, x.present, x.written_last);
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
  /// For `http_status` failures: the status and the answer's headers (names
  /// in lower case).
  std::uint32_t http_status = 0;
  std::map<std::string, std::string> refusal_headers;
  /// Bytes fetched from each source (none for a local copy or a build).
  std::vector<source_bytes> sources{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transfer_result& x) {
  return f(caf::meta::type_name("transfer_result"), x.ok, x.cancelled, x.code, x.message, x.bytes,
           x.total, x.sha256, x.http_status, x.refusal_headers, x.sources);
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
  /// Files under way (some bytes, not all), and how many of the job's are done.
  std::vector<std::string> active;
  std::uint32_t files_done = 0;
  std::uint32_t files_total = 0;
  /// Connections in use by the files under way.
  std::uint32_t connections = 0;
  /// The cap on the job's bytes per second (the lower of its own and the
  /// node's); 0 for none.
  std::uint64_t max_rate = 0;
  /// Bytes of the job's files from each source, summed over its files.
  std::vector<source_bytes> sources{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, progress_report& x) {
  return f(caf::meta::type_name("progress_report"), x.file, x.bytes, x.total, x.percent,
           x.bytes_per_sec, x.eta_secs, x.active, x.files_done, x.files_total, x.connections,
           x.max_rate, x.sources);
}

} // namespace hive
