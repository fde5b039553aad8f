#include "net/host/blob_file.hpp"

#include "net/host/part_file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace hive::net {

namespace {

/// A regular file at `path` opened for reading, not through a link at its
/// last step; -1 otherwise.
int open_regular(const std::filesystem::path& path, struct stat& st) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -1;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

} // namespace

blob_file::blob_file(int fd, std::uint64_t size, std::optional<landing> growing)
  : fd_(fd), size_(size), growing_(std::move(growing)) {
  struct stat st {};
  if (::fstat(fd_, &st) == 0) {
    device_ = st.st_dev;
    inode_ = st.st_ino;
  }
}

blob_file::blob_file(blob_file&& other) noexcept
  : fd_(std::exchange(other.fd_, -1)), size_(other.size_), device_(other.device_),
    inode_(other.inode_), growing_(std::move(other.growing_)) {
}

blob_file& blob_file::operator=(blob_file&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
    device_ = other.device_;
    inode_ = other.inode_;
    growing_ = std::move(other.growing_);
  }
  return *this;
}

blob_file::~blob_file() {
  if (fd_ >= 0)
    ::close(fd_);
}

std::optional<blob_file> blob_file::open_whole(const std::filesystem::path& path,
                                               std::uint64_t size) {
  struct stat st {};
  int fd = open_regular(path, st);
  if (fd < 0)
    return std::nullopt;
  if (static_cast<std::uint64_t>(st.st_size) != size) { // not what the catalog recorded
    ::close(fd);
    return std::nullopt;
  }
  return blob_file{fd, size, std::nullopt};
}

std::optional<blob_file> blob_file::open_landing(const std::filesystem::path& part,
                                                 const std::filesystem::path& final_path,
                                                 std::uint64_t size, const std::string& sha256,
                                                 running_check running) {
  struct stat st {};
  int fd = open_regular(part, st);
  if (fd < 0)
    return std::nullopt;
  return blob_file{fd, size, landing{part, final_path, "sha256:" + sha256, std::move(running)}};
}

bool blob_file::names_this(const std::filesystem::path& path) const {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && st.st_dev == device_ && st.st_ino == inode_;
}

blob_file::readable blob_file::readable_from(std::uint64_t offset) {
  if (offset >= size_)
    return {0, true};
  if (!growing_)
    return {size_ - offset, true};
  // Asked before looking at the final name: a transfer that lands and lets
  // go in between is then found in place, not taken for one that stopped.
  bool running = growing_->running();
  if (names_this(growing_->final_path)) {
    growing_.reset();
    return {size_ - offset, true};
  }
  // Stopped, or its partial is gone or another file now: nothing more comes
  // into this one.
  if (!running || !names_this(growing_->part))
    return {0, true};
  auto partial = read_partial(growing_->part);
  if (partial.validator != growing_->validator)
    return {0, false}; // not recorded yet, or no more: the last bytes wait for the rename
  for (const auto& gap : partial.landed.gaps(size_))
    if (gap.end > offset)
      return {gap.begin > offset ? gap.begin - offset : 0, false};
  return {size_ - offset, false};
}

std::size_t blob_file::read_at(std::uint64_t offset, std::span<char> out,
                               std::error_code& ec) const {
  for (;;) {
    auto n = ::pread(fd_, out.data(), out.size(), static_cast<off_t>(offset));
    if (n >= 0)
      return static_cast<std::size_t>(n);
    if (errno != EINTR) {
      ec.assign(errno, std::generic_category());
      return 0;
    }
  }
}

} // namespace hive::net
