#pragma once

#include "net/host/sha256.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <system_error>
#include <vector>

namespace hive::net {

/// The partial file a transfer lands in: written at any offset (`pwrite`),
/// by several connections (one at a time), through one descriptor. Writeback
/// starts every `writeback_step` bytes written (`sync_file_range`) so that
/// the final `fdatasync` has little left.
class landing_file {
public:
  landing_file() = default;
  ~landing_file();
  landing_file(const landing_file&) = delete;
  landing_file& operator=(const landing_file&) = delete;

  /// Opens `path` (its folder must exist) keeping what it holds, or empty
  /// with `!keep`. A link at `path` is refused (`ELOOP`), and so is a file
  /// with other names (`EMLINK`): writing would change a file not ours alone.
  /// An empty file is never truncated: that would free space allocated for it.
  std::error_code open(const std::filesystem::path& path, bool keep);
  std::error_code write_at(std::uint64_t offset, const char* data, std::size_t size);
  /// Feeds `[from, to)` of the file to `hasher`, through `buffer` (given a
  /// MiB when empty: a transfer whose bytes all come in order needs none).
  std::error_code hash_range(sha256_hasher& hasher, std::uint64_t from, std::uint64_t to,
                             std::vector<char>& buffer) const;
  /// Flushes the data and closes the file.
  std::error_code finish();

  static constexpr std::uint64_t writeback_step = 8 * 1024 * 1024;

private:
  int fd_ = -1;
  /// Bytes written since writeback last started.
  std::uint64_t unflushed_ = 0;
};

} // namespace hive::net
