#include "net/transfer/landing_file.hpp"

#include "net/host/file_system.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace hive::net {

namespace {

std::error_code last_error() {
  return {errno, std::generic_category()};
}

} // namespace

landing_file::~landing_file() {
  if (fd_ >= 0)
    ::close(fd_);
}

std::error_code landing_file::open(const std::filesystem::path& path, bool keep) {
  std::error_code ec;
  fd_ = open_own_file(path, O_RDWR, keep, ec);
  return ec;
}

std::error_code landing_file::write_at(std::uint64_t offset, const char* data, std::size_t size) {
  unflushed_ += size;
  while (size > 0) {
    auto n = ::pwrite(fd_, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return last_error();
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  // Starts writeback of all that is dirty every few MiB, so that dirty pages
  // do not pile up in memory (a call per write cost as much as the write).
  if (unflushed_ >= writeback_step) {
    ::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
    unflushed_ = 0;
  }
  return {};
}

std::error_code landing_file::hash_range(sha256_hasher& hasher, std::uint64_t from,
                                         std::uint64_t to, std::vector<char>& buffer) const {
  if (buffer.empty())
    buffer.resize(1024 * 1024);
  while (from < to) {
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(to - from, buffer.size()));
    auto n = ::pread(fd_, buffer.data(), want, static_cast<off_t>(from));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return n < 0 ? last_error() : std::make_error_code(std::errc::io_error);
    hasher.update(buffer.data(), static_cast<std::size_t>(n));
    from += static_cast<std::uint64_t>(n);
  }
  return {};
}

std::error_code landing_file::finish() {
  std::error_code ec;
  if (::fdatasync(fd_) != 0)
    ec = last_error();
  if (::close(fd_) != 0 && !ec)
    ec = last_error();
  fd_ = -1;
  return ec;
}

} // namespace hive::net
