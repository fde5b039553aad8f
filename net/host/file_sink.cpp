#include "net/host/file_sink.hpp"

#include "net/host/file_system.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace hive::net {

namespace {

constexpr std::uint64_t writeback_step = 8 * 1024 * 1024;

std::error_code last_error() {
  return {errno, std::generic_category()};
}

} // namespace

file_sink::~file_sink() {
  if (fd_ >= 0)
    ::close(fd_);
}

std::error_code file_sink::open(const std::filesystem::path& path, bool append) {
  std::error_code ec;
  fd_ = open_own_file(path, O_WRONLY, append, ec);
  if (ec)
    return ec;
  auto end = ::lseek(fd_, 0, SEEK_END);
  if (end < 0)
    return last_error();
  written_ = synced_ = static_cast<std::uint64_t>(end);
  return {};
}

std::error_code file_sink::write(const char* data, std::size_t size) {
  while (size > 0) {
    auto n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return last_error();
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    written_ += static_cast<std::uint64_t>(n);
  }
  if (written_ - synced_ >= writeback_step) {
    ::sync_file_range(fd_, static_cast<off_t>(synced_), static_cast<off_t>(written_ - synced_),
                      SYNC_FILE_RANGE_WRITE);
    synced_ = written_;
  }
  return {};
}

std::error_code file_sink::finish() {
  std::error_code ec;
  if (::fdatasync(fd_) != 0)
    ec = last_error();
  if (::close(fd_) != 0 && !ec)
    ec = last_error();
  fd_ = -1;
  return ec;
}

} // namespace hive::net
