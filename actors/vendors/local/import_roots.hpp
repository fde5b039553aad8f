#pragma once

// What `local:` may read: only files below the folders the operator named
// with `--import-root`, judged by their real path (links resolved), and
// never the kernel's windows into processes and devices.

#include <caf/error.hpp>

#include <filesystem>
#include <vector>

namespace hive {

/// `api_errc::import_not_allowed` unless the real path of `path` (links
/// resolved; a missing tail is taken as written) lies in or below one of
/// `roots` (each resolved the same way), and outside `/proc`, `/sys` and
/// `/dev` whatever the roots say. With no roots `local:` is off, and the
/// message names `--import-root`. Blocking file system calls.
caf::error check_import_path(const std::filesystem::path& path,
                             const std::vector<std::filesystem::path>& roots);

} // namespace hive
