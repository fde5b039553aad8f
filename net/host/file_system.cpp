#include "net/host/file_system.hpp"

#include "net/format/human_units.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hive::net {

namespace fs = std::filesystem;

namespace {

std::error_code last_error() {
  return {errno, std::generic_category()};
}

/// Writes all of `text` to `fd`: `write` may take less than it was given (a
/// signal, a disk filling up); the rest is written or the real error returned.
std::error_code write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    auto n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return last_error();
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

/// Opens `tmp` for writing from its start, never through a link or into a
/// file with another name (an import could have planted one): such a name is
/// unlinked and made anew, since truncating it would empty the other file.
int open_own_temp(const fs::path& tmp) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  struct stat info {};
  if (fd >= 0 && ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_nlink == 1) {
    if (::ftruncate(fd, 0) == 0)
      return fd;
    ::close(fd);
    return -1;
  }
  if (fd >= 0)
    ::close(fd);
  else if (errno != ELOOP)
    return -1;
  ::unlink(tmp.c_str());
  return ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
}

} // namespace

std::error_code write_atomically(const fs::path& path, std::string_view text, bool durable) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec)
    return ec;
  auto tmp = path;
  tmp += ".tmp";
  int fd = open_own_temp(tmp);
  if (fd < 0)
    return last_error();
  ec = write_all(fd, text);
  if (!ec && durable && ::fsync(fd) != 0)
    ec = last_error();
  if (::close(fd) != 0 && !ec)
    ec = last_error();
  if (!ec && durable)
    ec = rename_durably(tmp, path);
  else if (!ec)
    fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
  }
  return ec;
}

std::error_code sync_folder(const fs::path& folder) {
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return last_error();
  std::error_code ec;
  if (::fsync(fd) != 0)
    ec = last_error();
  ::close(fd);
  return ec;
}

std::error_code rename_durably(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec)
    return ec;
  return sync_folder(to.parent_path());
}

bool is_disk_full(const std::error_code& ec) {
  return ec == std::errc::no_space_on_device || ec.value() == EDQUOT;
}

std::string no_space_text(const fs::path& folder) {
  std::error_code ec;
  auto space = fs::space(folder, ec);
  return "no space left in " + folder.string()
         + (ec ? std::string{} : " (" + format_bytes(space.available) + " free)");
}

void remove_empty_up_to(fs::path dir, const fs::path& stop) {
  std::error_code ec;
  for (; dir != stop && dir.has_relative_path(); dir = dir.parent_path())
    if (!fs::is_empty(dir, ec) || ec || !fs::remove(dir, ec))
      return;
}

std::optional<failure> create_folder_of(const fs::path& file) {
  std::error_code ec;
  auto folder = file.parent_path();
  fs::create_directories(folder, ec);
  if (is_disk_full(ec))
    return failure{download_errc::insufficient_space, no_space_text(folder)};
  if (ec)
    return failure{download_errc::io_failed,
                   "cannot create " + folder.string() + ": " + ec.message()};
  return std::nullopt;
}

int open_own_file(const fs::path& path, int access, bool keep, std::error_code& ec) {
  int fd = ::open(path.c_str(), access | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  struct stat info {};
  if (fd < 0 || ::fstat(fd, &info) != 0) {
    ec = last_error();
  } else if (info.st_nlink > 1) {
    ec = std::make_error_code(std::errc::too_many_links);
  } else if (!keep && info.st_size > 0 && ::ftruncate(fd, 0) != 0) {
    ec = last_error();
  } else {
    ec.clear();
    return fd;
  }
  if (fd >= 0)
    ::close(fd);
  return -1;
}

} // namespace hive::net
