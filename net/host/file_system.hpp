#pragma once

// Small file-system steps that must be done right: atomic writes, durable
// renames, telling a full disk from other write errors, and pruning the
// folders a removal leaves empty.

#include "net/failure.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace hive::net {

/// Writes `text` to `path` so that readers see the old file or the whole new
/// one, never a part: a temporary `<path>.tmp`, written in full, fsync,
/// rename, fsync of the folder. Creates the missing parent folders. The error
/// is the one the failing call reported (ENOSPC for a full disk). Without
/// `durable` neither fsync is made: a record rewritten often, which a killed
/// process keeps and a power cut may lose.
std::error_code write_atomically(const std::filesystem::path& path, std::string_view text,
                                 bool durable = true);

/// Makes the renames and links done in `folder` durable: without it a power
/// cut can bring back the old name although the new file's data was synced.
std::error_code sync_folder(const std::filesystem::path& folder);

/// Renames `from` to `to` (same file system), then syncs `to`'s folder.
std::error_code rename_durably(const std::filesystem::path& from, const std::filesystem::path& to);

/// Whether `ec` says the file system is full (ENOSPC, or a quota's EDQUOT).
bool is_disk_full(const std::error_code& ec);

/// `no space left in <folder> (<n> free)`: what a person needs to act on a
/// full disk.
std::string no_space_text(const std::filesystem::path& folder);

/// Removes `dir`, then its parents, while they are empty, stopping below
/// `stop` (which stays, as does anything above it).
void remove_empty_up_to(std::filesystem::path dir, const std::filesystem::path& stop);

/// Opens `path` (its folder must exist) for writing with `access`
/// (`O_WRONLY` or `O_RDWR`), creating it, or returns -1 with `ec`. A link at
/// `path` is refused (`ELOOP`), and so is a file with other names (`EMLINK`):
/// writing would change a file not ours alone. Unless `keep`, what it holds
/// goes, but an empty file is never truncated: that would free the space a
/// worker allocated for it (`fallocate` past its end).
int open_own_file(const std::filesystem::path& path, int access, bool keep, std::error_code& ec);

/// Creates the folder `file` goes into (and its parents); `io_failed` naming
/// the folder when it cannot (`insufficient_space` when the disk is full).
std::optional<failure> create_folder_of(const std::filesystem::path& file);

} // namespace hive::net
