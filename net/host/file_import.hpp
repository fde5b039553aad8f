#pragma once

#include "messages/errc.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace boost::asio {
class thread_pool;
} // namespace boost::asio

namespace hive::net {

/// The suffix of the name a local file is imported under before it is moved
/// into place. A hard link must never sit where a download resumes (`.part`):
/// a download would write into the operator's file. Start-up removes what a
/// crash left under this suffix (`remove_abandoned_imports`).
inline constexpr std::string_view import_suffix = ".importing";

/// Removes the files ending in `import_suffix` in the model folders of
/// `models_dir` (not in its dot folders, the Hugging Face and Ollama stores)
/// and returns how many. No import may be running.
std::size_t remove_abandoned_imports(const std::filesystem::path& models_dir);

/// One local file to bring into the catalog.
struct import_request {
  /// The file to import (not a link: the caller resolves those).
  std::filesystem::path source;
  /// Where it appears while it is being imported; the caller moves it into place.
  std::filesystem::path part_path;
  /// Bytes read (hashed, copied) per step on the disk pool.
  std::size_t chunk_size = 4 * 1024 * 1024;
  /// Minimum time between two `on_progress` calls.
  std::chrono::milliseconds progress_interval{100};
};

/// How an import ended. On success `part_path` holds the content whose
/// sha256 is given and `message` says how it got there (`hard-linked`,
/// `cloned` or `copied`); otherwise nothing is left at `part_path`.
struct import_outcome {
  bool ok = false;
  bool cancelled = false;
  download_errc code = download_errc::internal;
  std::string message;
  std::uint64_t bytes = 0;
  std::string sha256;
};

/// Stops a running import after its current step. Safe from any thread.
using import_canceller = std::function<void()>;

/// Imports `req.source` into `req.part_path` on `disk`: a hard link where
/// the file system allows it, else a reflink (`FICLONE`), else a copy that
/// gets the source's permission bits (never wider); the content is hashed
/// either way. The source is opened without following a link: the caller
/// names the real file. The work runs one chunk per task on `disk`,
/// so that other users of the pool are not held up by a big file; the
/// callbacks run there too and must be thread-safe (`anon_send`). `done`
/// runs exactly once.
import_canceller
start_import(boost::asio::thread_pool& disk, import_request req,
             std::function<void(std::uint64_t bytes, std::uint64_t total)> progress,
             std::function<void(import_outcome)> done);

} // namespace hive::net
