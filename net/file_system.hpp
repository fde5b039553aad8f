#pragma once

// Small file-system steps that must be done right: atomic writes, and
// pruning the folders a removal leaves empty.

#include <caf/error.hpp>

#include <filesystem>
#include <string_view>
#include <system_error>

namespace hive::net {

/// Writes `text` to `path` so that readers see the old file or the whole new
/// one, never a part: a temporary `<path>.tmp`, fsync, rename. Creates the
/// missing parent folders.
std::error_code write_atomically(const std::filesystem::path& path, std::string_view text);

/// Removes `dir`, then its parents, while they are empty, stopping below
/// `stop` (which stays, as does anything above it).
void remove_empty_up_to(std::filesystem::path dir, const std::filesystem::path& stop);

/// Creates the folder `file` goes into (and its parents); `io_failed` naming
/// the folder when it cannot.
caf::error create_folder_of(const std::filesystem::path& file);

} // namespace hive::net
