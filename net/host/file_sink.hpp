#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <system_error>

namespace hive::net {

/// A file being written front to back. Writeback starts every few MiB
/// (`sync_file_range`) so that the final `fdatasync` has little left to do
/// and dirty pages do not pile up in memory.
class file_sink {
public:
  file_sink() = default;
  ~file_sink();
  file_sink(const file_sink&) = delete;
  file_sink& operator=(const file_sink&) = delete;

  /// Creates or truncates `path` (its folder must exist), or with `append`
  /// continues after what it holds. A link at `path` is refused (`ELOOP`),
  /// and so is a file with other names (`EMLINK`): writing would change a
  /// file that is not only ours.
  std::error_code open(const std::filesystem::path& path, bool append);
  std::error_code write(const char* data, std::size_t size);
  /// Flushes data to disk and closes the file.
  std::error_code finish();

private:
  int fd_ = -1;
  std::uint64_t written_ = 0;
  std::uint64_t synced_ = 0;
};

} // namespace hive::net
