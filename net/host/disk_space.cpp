#include "net/host/disk_space.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace hive::net {

namespace fs = std::filesystem;

namespace {

std::error_code last_error() {
  return {errno, std::generic_category()};
}

} // namespace

volume volume_of(const fs::path& path, std::error_code& ec) {
  ec.clear();
  auto at = path.lexically_normal();
  if (at.is_relative())
    at = fs::absolute(at, ec);
  if (ec)
    return {};
  struct stat info {};
  while (::stat(at.c_str(), &info) != 0) {
    if ((errno != ENOENT && errno != ENOTDIR) || !at.has_relative_path()) {
      ec = last_error();
      return {};
    }
    at = at.parent_path();
  }
  // Up while the parent is on the same device: the top is where it is mounted.
  volume out{static_cast<std::uint64_t>(info.st_dev), at};
  for (auto up = at.parent_path(); out.mount_point.has_relative_path(); up = up.parent_path()) {
    struct stat above {};
    if (::stat(up.c_str(), &above) != 0 || above.st_dev != info.st_dev)
      break;
    out.mount_point = up;
  }
  return out;
}

std::uint64_t free_bytes(const fs::path& folder, std::error_code& ec) {
  ec.clear();
  struct statvfs info {};
  if (::statvfs(folder.c_str(), &info) != 0) {
    ec = last_error();
    return 0;
  }
  return static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
}

std::uint64_t bytes_still_needed(const fs::path& part, const fs::path& final_path,
                                 std::uint64_t size) {
  std::error_code ec;
  if (size == 0 || fs::exists(final_path, ec))
    return 0;
  auto there = fs::file_size(part, ec);
  if (ec)
    there = 0;
  return size > there ? size - there : 0;
}

std::error_code preallocate(const fs::path& part, std::uint64_t size) {
  // O_NOFOLLOW: the part was claimed as a file of ours alone, never a link.
  int fd = ::open(part.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return last_error();
  int rc = 0;
  do
    rc = ::fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(size));
  while (rc != 0 && errno == EINTR);
  std::error_code ec = rc == 0 ? std::error_code{} : last_error();
  if (ec) // a failed call may have allocated some of it
    trim_past_end(fd);
  ::close(fd);
  return ec;
}

void trim_past_end(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0 || info.st_blksize <= 0)
    return;
  auto block = static_cast<std::uint64_t>(info.st_blksize);
  auto used = (static_cast<std::uint64_t>(info.st_size) + block - 1) / block * block;
  if (static_cast<std::uint64_t>(info.st_blocks) * 512 <= used)
    return;
  // Truncating to the same size frees the blocks past the end (Linux does so
  // even when the size does not change). A failure only leaves them allocated.
  [[maybe_unused]] auto kept = ::ftruncate(fd, info.st_size);
}

} // namespace hive::net
