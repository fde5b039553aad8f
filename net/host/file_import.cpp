#include "net/host/file_import.hpp"

#include "net/host/file_sink.hpp"
#include "net/host/sha256.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/fs.h>
#include <memory>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace hive::net {

namespace {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

struct import_job {
  import_request req;
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  std::function<void(import_outcome)> done;
  std::atomic<bool> cancelled{false};
  asio::thread_pool* disk = nullptr;
  int source_fd = -1;
  /// Set when the content is copied; a link or a clone only needs hashing.
  std::unique_ptr<file_sink> copy;
  std::string method;
  /// The source's permission bits, which a clone or a copy gets once complete.
  mode_t mode = 0600;
  sha256_hasher hasher;
  std::vector<char> buffer;
  std::uint64_t bytes = 0;
  std::uint64_t total = 0;
  clock::time_point last_progress{};

  ~import_job() {
    if (source_fd >= 0)
      ::close(source_fd);
  }
};

std::string errno_text() {
  return std::strerror(errno);
}

void fail(const std::shared_ptr<import_job>& job, download_errc code, std::string message) {
  job->copy.reset();
  std::error_code ec;
  std::filesystem::remove(job->req.part_path, ec);
  import_outcome out;
  out.cancelled = code == download_errc::cancelled;
  out.code = code;
  out.message = std::move(message);
  job->done(std::move(out));
}

/// Opens the source and puts its content at the part path, as cheaply as the
/// file system allows.
bool begin(const std::shared_ptr<import_job>& job) {
  const auto& source = job->req.source;
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  // O_NOFOLLOW: the caller named the real file; a link put there since is refused.
  job->source_fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
  if (job->source_fd < 0) {
    if (errno == ENOENT)
      fail(job, download_errc::entry_not_found, source.string() + " does not exist");
    else
      fail(job, download_errc::unreadable, "cannot read " + source.string() + ": " + errno_text());
    return false;
  }
  struct stat info {};
  if (::fstat(job->source_fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    fail(job, download_errc::unreadable, source.string() + " is not a regular file");
    return false;
  }
  job->total = static_cast<std::uint64_t>(info.st_size);
  const auto& part = job->req.part_path;
  ::unlink(part.c_str()); // a leftover of a crash
  // The very file we opened and will hash, whatever happens to its name meanwhile.
  auto opened = "/proc/self/fd/" + std::to_string(job->source_fd);
  if (::linkat(AT_FDCWD, opened.c_str(), AT_FDCWD, part.c_str(), AT_SYMLINK_FOLLOW) == 0) {
    job->method = "hard-linked";
    return true;
  }
  // A copy may be read by whom the source may be read by, and by no one else;
  // it stays the daemon's alone until it is complete.
  job->mode = static_cast<mode_t>(info.st_mode & 0777);
  int part_fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (part_fd < 0) {
    fail(job, download_errc::io_failed, "cannot create " + part.string() + ": " + errno_text());
    return false;
  }
  bool cloned = ::ioctl(part_fd, FICLONE, job->source_fd) == 0 && ::fchmod(part_fd, job->mode) == 0
                && ::fsync(part_fd) == 0;
  ::close(part_fd);
  if (cloned) {
    job->method = "cloned";
    return true;
  }
  job->copy = std::make_unique<file_sink>();
  if (auto ec = job->copy->open(part, false)) {
    fail(job, download_errc::io_failed, "cannot create " + part.string() + ": " + ec.message());
    return false;
  }
  job->method = "copied";
  return true;
}

void finish(const std::shared_ptr<import_job>& job) {
  if (job->copy) {
    if (auto ec = job->copy->finish())
      return fail(job, download_errc::io_failed,
                  "cannot write " + job->req.part_path.string() + ": " + ec.message());
    if (::chmod(job->req.part_path.c_str(), job->mode) != 0)
      return fail(job, download_errc::io_failed,
                  "cannot set the mode of " + job->req.part_path.string() + ": " + errno_text());
  }
  job->copy.reset();
  job->progress(job->bytes, job->total);
  import_outcome out;
  out.ok = true;
  out.message = job->method;
  out.bytes = job->bytes;
  out.sha256 = job->hasher.hex_digest();
  job->done(std::move(out));
}

/// One chunk: read, hash, copy if copying; then the next as a new task.
void step(const std::shared_ptr<import_job>& job) {
  if (job->cancelled)
    return fail(job, download_errc::cancelled, "import cancelled");
  if (job->source_fd < 0 && !begin(job))
    return;
  auto n = ::read(job->source_fd, job->buffer.data(), job->buffer.size());
  if (n < 0 && errno == EINTR)
    return asio::post(*job->disk, [job] { step(job); });
  if (n < 0)
    return fail(job, download_errc::unreadable,
                "cannot read " + job->req.source.string() + ": " + errno_text());
  if (n == 0)
    return finish(job);
  auto size = static_cast<std::size_t>(n);
  job->hasher.update(job->buffer.data(), size);
  if (job->copy)
    if (auto ec = job->copy->write(job->buffer.data(), size))
      return fail(job, download_errc::io_failed,
                  "cannot write " + job->req.part_path.string() + ": " + ec.message());
  job->bytes += size;
  auto now = clock::now();
  if (now - job->last_progress >= job->req.progress_interval) {
    job->last_progress = now;
    job->progress(job->bytes, job->total);
  }
  asio::post(*job->disk, [job] { step(job); });
}

} // namespace

std::size_t remove_abandoned_imports(const std::filesystem::path& models_dir) {
  namespace fs = std::filesystem;
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator models{models_dir, ec}; !ec && models != fs::directory_iterator{};
       models.increment(ec)) {
    if (models->path().filename().string().starts_with(".") || !models->is_directory(ec)
        || models->is_symlink(ec))
      continue;
    std::error_code walk_ec;
    for (fs::recursive_directory_iterator it{models->path(), walk_ec};
         !walk_ec && it != fs::recursive_directory_iterator{}; it.increment(walk_ec))
      if (it->path().filename().string().ends_with(import_suffix) && !it->is_directory(walk_ec)
          && fs::remove(it->path(), walk_ec))
        ++removed;
  }
  return removed;
}

import_canceller start_import(asio::thread_pool& disk, import_request req,
                              std::function<void(std::uint64_t, std::uint64_t)> progress,
                              std::function<void(import_outcome)> done) {
  auto job = std::make_shared<import_job>();
  job->buffer.resize(req.chunk_size);
  job->req = std::move(req);
  job->progress = std::move(progress);
  job->done = std::move(done);
  job->disk = &disk;
  asio::post(disk, [job] { step(job); });
  return [weak = std::weak_ptr<import_job>{job}] {
    if (auto running = weak.lock())
      running->cancelled = true;
  };
}

} // namespace hive::net
