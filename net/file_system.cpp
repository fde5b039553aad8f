#include "net/file_system.hpp"

#include "messages/errc.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace hive::net {

namespace fs = std::filesystem;

std::error_code write_atomically(const fs::path& path, std::string_view text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec)
    return ec;
  auto tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return {errno, std::generic_category()};
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size())
            && ::fsync(fd) == 0;
  if (!ok)
    ec = {errno, std::generic_category()};
  if (::close(fd) != 0 && ok) {
    ok = false;
    ec = {errno, std::generic_category()};
  }
  if (ok)
    fs::rename(tmp, path, ec);
  if (!ok || ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
  }
  return ec;
}

void remove_empty_up_to(fs::path dir, const fs::path& stop) {
  std::error_code ec;
  for (; dir != stop && dir.has_relative_path(); dir = dir.parent_path())
    if (!fs::is_empty(dir, ec) || ec || !fs::remove(dir, ec))
      return;
}

caf::error create_folder_of(const fs::path& file) {
  std::error_code ec;
  auto folder = file.parent_path();
  fs::create_directories(folder, ec);
  if (ec)
    return make_error(download_errc::io_failed,
                      "cannot create " + folder.string() + ": " + ec.message());
  return {};
}

} // namespace hive::net
