#include "net/host/part_file.hpp"

#include "net/host/disk_space.hpp"
#include "net/host/file_system.hpp"

#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace hive::net {

namespace fs = std::filesystem;

fs::path validator_path(const fs::path& part) {
  auto path = part;
  path += ".validator";
  return path;
}

partial_download read_partial(const fs::path& part) {
  std::error_code ec;
  auto size = fs::file_size(part, ec);
  std::ifstream in{validator_path(part)};
  std::string validator;
  std::string ranges;
  std::getline(in, validator);
  bool ranged = static_cast<bool>(std::getline(in, ranges));
  if (ec || validator.empty())
    return {};
  partial_download out{0, validator, {}};
  if (!ranged)
    out.landed.add({0, size});
  else if (auto landed = byte_ranges::parse(ranges); landed && landed->end() <= size)
    out.landed = std::move(*landed); // a record past the file's end is not believed
  out.size = out.landed.size();
  if (out.size == 0)
    return {};
  return out;
}

std::error_code save_validator(const fs::path& part, const std::string& validator) {
  std::error_code ec;
  if (validator.empty()) {
    fs::remove(validator_path(part), ec);
    return ec;
  }
  return write_atomically(validator_path(part), validator + '\n');
}

std::error_code save_landed(const fs::path& part, const std::string& validator,
                            const byte_ranges& landed) {
  // Replaced whole by a rename, without fsync: the record follows writes that
  // have returned, which a killed process keeps; after a power cut it may name
  // bytes that never reached the disk, and the final sha256 turns that resume
  // away. An fsync here would wait for the whole file's dirty data each time.
  return write_atomically(validator_path(part), validator + '\n' + landed.text() + '\n', false);
}

void remove_partial(const fs::path& part) {
  std::error_code ec;
  fs::remove(part, ec);
  fs::remove(validator_path(part), ec);
}

void remove_if_unresumable(const fs::path& part) {
  std::error_code ec;
  auto claim = part_claim::acquire(part, ec); // creates an empty one if absent: removed below
  if (!ec)
    claim.drop_if_unresumable(part);
}

std::size_t collect_unresumable_partials(const fs::path& root) {
  constexpr std::string_view part_suffix = ".part";
  constexpr std::string_view validator_suffix = ".part.validator";
  std::vector<fs::path> doomed;
  std::error_code ec;
  for (fs::recursive_directory_iterator it{root, ec}, end; !ec && it != end; it.increment(ec)) {
    if (it->is_symlink(ec) || !it->is_regular_file(ec))
      continue;
    auto name = it->path().filename().string();
    if (name.ends_with(part_suffix) && read_partial(it->path()).size == 0)
      doomed.push_back(it->path());
    else if (name.ends_with(validator_suffix)) {
      auto part = it->path();
      part.replace_extension(); // `x.part.validator` -> `x.part`
      if (!fs::exists(part, ec))
        doomed.push_back(it->path());
    }
  }
  std::size_t removed = 0;
  for (const auto& path : doomed) {
    removed += fs::remove(path, ec) ? 1 : 0;
    fs::remove(validator_path(path), ec); // an empty part's, if any
  }
  return removed;
}

std::string validator_of(std::string_view etag, std::string_view last_modified) {
  if (!etag.empty() && etag.substr(0, 2) != "W/")
    return std::string{etag};
  return std::string{last_modified};
}

std::error_code hash_prefix(const fs::path& path, std::uint64_t size, sha256_hasher& hasher) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return {errno, std::generic_category()};
  std::vector<char> buf(1024 * 1024);
  std::error_code ec;
  while (size > 0) {
    auto n = ::read(fd, buf.data(), std::min<std::uint64_t>(size, buf.size()));
    if (n <= 0) {
      ec = n < 0 ? std::error_code{errno, std::generic_category()}
                 : std::make_error_code(std::errc::io_error); // shorter than it was
      break;
    }
    hasher.update(buf.data(), static_cast<std::size_t>(n));
    size -= static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  return ec;
}

part_claim::part_claim(part_claim&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {
}

part_claim& part_claim::operator=(part_claim&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

part_claim::~part_claim() {
  if (fd_ >= 0)
    ::close(fd_);
}

void part_claim::give_back_unfilled() const {
  if (fd_ >= 0)
    trim_past_end(fd_);
}

void part_claim::drop_if_unresumable(const fs::path& part) const {
  if (fd_ >= 0 && read_partial(part).size == 0)
    remove_partial(part);
}

namespace {

/// Opens `part` for writing if it is a file of ours alone: not a link, no
/// other name. Anything else is put aside: a hard link left by a crashed
/// import is the operator's file, which a download must never write into.
int open_own_partial(const fs::path& part) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = ::open(part.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && errno != ELOOP)
      return -1;
    struct stat info {};
    if (fd >= 0 && ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_nlink == 1)
      return fd;
    if (fd >= 0)
      ::close(fd);
    // Unlinking removes only this name: the other file stays as it is.
    remove_partial(part);
  }
  errno = EMLINK;
  return -1;
}

} // namespace

part_claim part_claim::acquire(const std::filesystem::path& part, std::error_code& ec) {
  int fd = open_own_partial(part);
  if (fd < 0) {
    ec = std::error_code{errno, std::generic_category()};
    return {};
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ec = std::error_code{errno == EWOULDBLOCK ? EAGAIN : errno, std::generic_category()};
    ::close(fd);
    return {};
  }
  ec.clear();
  return part_claim{fd};
}

} // namespace hive::net
