#pragma once

#include "messages/transfer_messages.hpp"

#include <caf/expected.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace hive {

/// The task that imports the regular file `source` as `name` into
/// `dest_dir` (`<dest_dir>/<name>`, staged as `<name>` plus
/// `net::import_suffix` first, a name no download writes to). A link
/// is resolved: the task names the file it points to. Errors:
/// `entry_not_found` when nothing is there, `unreadable` when it is not a
/// regular file or cannot be looked at.
caf::expected<file_task> import_task(const std::filesystem::path& source, std::string name,
                                     const std::filesystem::path& dest_dir);

/// The import tasks of `local:<source>`: the file itself, or every regular
/// file below the folder under its relative name (`sub/x.bin`), sorted by
/// name. In a folder, a symbolic link is followed only to a regular file
/// inside the folder; any other link fails the whole listing (`unsafe_path`),
/// as does a file that would replace the catalog's `metadata.json` or be
/// taken for a working file (`.part`, `.validator`, the import suffix), or whose name is
/// not valid UTF-8; a FIFO, socket or device fails it as `unreadable`. The
/// source and every file's real path are checked against `roots` again
/// (`check_import_path`), as they are when they are read. Blocking file system calls.
caf::expected<std::vector<file_task>>
list_local_files(const std::filesystem::path& source, const std::filesystem::path& dest_dir,
                 const std::vector<std::filesystem::path>& roots);

/// Gives the one task the job's expected sha256, if any; several files
/// (a folder, a recipe's outputs) cannot have one: `checksum_mismatch`.
caf::error expect_sha256(std::vector<file_task>& tasks, const std::string& sha256,
                         const std::string& source);

} // namespace hive
