#include "actors/vendors/local/local_files.hpp"

#include "actors/vendors/local/import_roots.hpp"
#include "messages/errc.hpp"
#include "net/host/file_import.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>

namespace hive {

namespace {

namespace fs = std::filesystem;

caf::error not_there(const fs::path& path) {
  return make_error(download_errc::entry_not_found, path.string() + " does not exist");
}

caf::error unsafe_link(const fs::path& link, const std::string& why) {
  return make_error(download_errc::unsafe_path,
                    link.string() + " " + why
                        + "; links are followed only to files inside the folder, so nothing "
                          "was imported");
}

/// True when `path` (canonical) lies strictly below `root` (canonical).
bool is_inside(const fs::path& path, const fs::path& root) {
  auto rel = path.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

/// `name` with each byte that is not printable ASCII as `\xNN`: a name that
/// is not UTF-8 cannot be shown as it is.
std::string shown_name(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      continue;
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02X", c);
    out += hex;
  }
  return out;
}

/// The task of one entry of a folder walk, or the error that stops the walk.
caf::expected<file_task> folder_entry(const fs::directory_entry& entry, const fs::path& root,
                                      const fs::path& real_root, const fs::path& dest_dir) {
  auto name = entry.path().lexically_relative(root).generic_string();
  if (!simdjson::validate_utf8(name))
    return make_error(download_errc::unsafe_path,
                      root.string() + " holds a file whose name is not valid UTF-8 ("
                          + shown_name(name) + "); rename it: nothing was imported");
  if (name == "metadata.json" || name == "metadata.json.tmp")
    return make_error(download_errc::unsafe_path,
                      entry.path().string()
                          + " would replace the catalog's metadata.json; nothing was imported");
  // The working files of a namesake without the suffix (a download's partial
  // and its validator, an import's copy), which are written in place.
  for (std::string_view own :
       {std::string_view{".part"}, std::string_view{".validator"}, net::import_suffix})
    if (name.ends_with(own))
      return make_error(download_errc::unsafe_path,
                        entry.path().string() + ": names ending in " + std::string{own}
                            + " are the daemon's own working files; nothing was imported");
  std::error_code ec;
  if (entry.is_symlink(ec)) {
    auto target = fs::canonical(entry.path(), ec);
    if (ec)
      return unsafe_link(entry.path(), "is a broken link");
    if (!is_inside(target, real_root))
      return unsafe_link(entry.path(), "links outside the folder, to " + target.string());
    if (!fs::is_regular_file(target, ec))
      return unsafe_link(entry.path(), "links to something other than a file");
  }
  return import_task(entry.path(), std::move(name), dest_dir);
}

} // namespace

caf::expected<file_task> import_task(const fs::path& source, std::string name,
                                     const fs::path& dest_dir) {
  std::error_code ec;
  auto status = fs::status(source, ec);
  if (status.type() == fs::file_type::not_found)
    return not_there(source);
  if (ec)
    return make_error(download_errc::unreadable,
                      "cannot look at " + source.string() + ": " + ec.message());
  if (status.type() != fs::file_type::regular)
    return make_error(download_errc::unreadable, source.string() + " is not a regular file");
  file_task task;
  task.source_path = fs::canonical(source, ec).string();
  task.size = fs::file_size(source, ec);
  if (ec)
    return make_error(download_errc::unreadable,
                      "cannot look at " + source.string() + ": " + ec.message());
  task.final_path = (dest_dir / name).string();
  task.part_path = task.final_path + std::string{net::import_suffix};
  task.name = std::move(name);
  return task;
}

namespace {

/// `list_local_files` without the import roots.
caf::expected<std::vector<file_task>> list_files(const fs::path& source, const fs::path& dest_dir) {
  std::error_code ec;
  auto status = fs::status(source, ec);
  if (status.type() == fs::file_type::not_found)
    return not_there(source);
  // Importing the model's own folder (or one around or inside it) would
  // link files onto themselves, and a failure would then delete the sources.
  auto real_source = fs::weakly_canonical(source, ec);
  auto real_dest = fs::weakly_canonical(dest_dir, ec);
  if (real_source == real_dest || is_inside(real_source, real_dest)
      || is_inside(real_dest, real_source))
    return make_error(download_errc::unsafe_path,
                      source.string() + " overlaps the model's own folder " + dest_dir.string()
                          + "; nothing was imported");
  std::vector<file_task> tasks;
  if (status.type() != fs::file_type::directory) {
    auto task = import_task(source, source.filename().string(), dest_dir);
    if (!task)
      return std::move(task.error());
    tasks.push_back(std::move(*task));
    return tasks;
  }
  auto real_root = fs::canonical(source, ec);
  fs::recursive_directory_iterator it{source, ec};
  for (; !ec && it != fs::recursive_directory_iterator{}; it.increment(ec)) {
    std::error_code entry_ec; // a broken link is folder_entry's to explain
    if (it->is_directory(entry_ec) && !it->is_symlink(entry_ec))
      continue;
    auto task = folder_entry(*it, source, real_root, dest_dir);
    if (!task)
      return std::move(task.error());
    tasks.push_back(std::move(*task));
  }
  if (ec)
    return make_error(download_errc::unreadable,
                      "cannot list " + source.string() + ": " + ec.message());
  if (tasks.empty())
    return make_error(download_errc::entry_not_found, source.string() + " holds no files");
  std::sort(tasks.begin(), tasks.end(),
            [](const file_task& a, const file_task& b) { return a.name < b.name; });
  return tasks;
}

} // namespace

caf::expected<std::vector<file_task>> list_local_files(const fs::path& source,
                                                       const fs::path& dest_dir,
                                                       const std::vector<fs::path>& roots) {
  // Again, now that the files are read: the path may have become a link since.
  if (auto err = check_import_path(source, roots))
    return err;
  auto tasks = list_files(source, dest_dir);
  if (!tasks)
    return tasks;
  for (const auto& task : *tasks)
    if (auto err = check_import_path(task.source_path, roots))
      return err;
  return tasks;
}

caf::error expect_sha256(std::vector<file_task>& tasks, const std::string& sha256,
                         const std::string& source) {
  if (sha256.empty())
    return {};
  if (tasks.size() != 1)
    return make_error(download_errc::checksum_mismatch,
                      "'sha256' is the digest of one file, and " + source + " has "
                          + std::to_string(tasks.size()) + " files");
  tasks.front().sha256 = sha256;
  return {};
}

} // namespace hive
