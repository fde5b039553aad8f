#pragma once

// The disk preflight's host-level facts: which file system a path is on, how
// much of it is free, what a file still needs, and its preallocation.

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>

namespace hive::net {

/// The file system a path is on, or will be once its folders exist.
struct volume {
  /// `st_dev`: what tells file systems apart.
  std::uint64_t device = 0;
  /// Where it is mounted: the highest folder above the path on the same device.
  std::filesystem::path mount_point;
};

/// The volume of `path`, measured at its nearest existing folder (a model's
/// folder may not exist yet); `ec` when not even that can be examined.
volume volume_of(const std::filesystem::path& path, std::error_code& ec);

/// Bytes an unprivileged writer may still allocate on the file system of
/// `folder` (`statvfs`: available blocks times their size).
std::uint64_t free_bytes(const std::filesystem::path& folder, std::error_code& ec);

/// What a file of `size` bytes still needs on disk: nothing when its size is
/// unknown (0) or `final_path` exists; else `size` minus what `part` holds.
std::uint64_t bytes_still_needed(const std::filesystem::path& part,
                                 const std::filesystem::path& final_path, std::uint64_t size);

/// Allocates the first `size` bytes of the existing file `part` without
/// changing its size (`fallocate` with `FALLOC_FL_KEEP_SIZE`: a resume reads
/// the size as the bytes written). ENOSPC when they do not fit, and then
/// nothing stays allocated; EOPNOTSUPP from a file system without `fallocate`.
std::error_code preallocate(const std::filesystem::path& part, std::uint64_t size);

/// Gives back the blocks allocated past the end of the open file `fd`
/// (writable), which a transfer that stopped left unfilled: a kept partial
/// holds only what it holds. A file with nothing allocated past its end is
/// not touched (a truncate would change its modification time).
void trim_past_end(int fd);

} // namespace hive::net
