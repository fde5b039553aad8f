#pragma once

#include <filesystem>
#include <string_view>
#include <system_error>

namespace hive::net {

/// Writes `text` to `path` so that readers see the old file or the whole new
/// one, never a part: a temporary `<path>.tmp`, fsync, rename. Creates the
/// missing parent folders.
std::error_code write_atomically(const std::filesystem::path& path, std::string_view text);

} // namespace hive::net
