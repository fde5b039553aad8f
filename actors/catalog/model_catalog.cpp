#include "actors/catalog/model_catalog.hpp"

#include "actors/vendors/model_ref.hpp"
#include "actors/vendors/vendor_registry.hpp"
#include "messages/errc.hpp"
#include "net/api/model_json.hpp"
#include "net/host/file_system.hpp"

#include <cerrno>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace hive {

namespace fs = std::filesystem;

namespace {

caf::error check_id(const std::string& id) {
  if (has_control_chars(id))
    return make_error(api_errc::invalid_model_ref,
                      "invalid model id: it contains control characters");
  if (!is_valid_model_id(id))
    return make_error(
        api_errc::invalid_field,
        "invalid model id '" + id
            + "': use letters, digits, '.', '_' and '-' (not starting with '.' or '-')");
  return {};
}

std::string read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The entry in `dir`, if its metadata.json is readable.
std::optional<model_record> read_entry(const fs::path& dir) {
  auto meta = dir / "metadata.json";
  if (!fs::is_regular_file(meta))
    return std::nullopt;
  return parse_model_json(read_file(meta));
}

/// The paths of the files of the entry in `dir`.
std::vector<fs::path> file_paths(const fs::path& dir) {
  std::vector<fs::path> out;
  if (auto entry = read_entry(dir))
    for (const auto& file : entry->files)
      if (!file.path.empty())
        out.emplace_back(file.path);
  return out;
}

} // namespace

model_catalog::model_catalog(fs::path root) : root_(std::move(root)) {
}

fs::path model_catalog::model_dir(const std::string& id) const {
  return root_ / id;
}

caf::error model_catalog::add(const model_record& record) const {
  if (auto err = check_id(record.id))
    return err;
  std::error_code ec;
  fs::create_directories(model_dir(record.id), ec);
  if (ec)
    return make_error(download_errc::io_failed,
                      "cannot create " + model_dir(record.id).string() + ": " + ec.message());
  auto path = model_dir(record.id) / "metadata.json";
  if (auto write_ec = net::write_atomically(path, model_json(record)))
    return net::is_disk_full(write_ec)
               ? make_error(download_errc::insufficient_space,
                            "cannot write " + path.string() + ": "
                                + net::no_space_text(path.parent_path()))
               : make_error(download_errc::io_failed,
                            "cannot write " + path.string() + ": " + write_ec.message());
  return {};
}

std::vector<model_record> model_catalog::list() const {
  std::vector<model_record> models;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator{root_, ec})
    if (entry.is_directory())
      if (auto record = read_entry(entry.path()))
        models.push_back(std::move(*record));
  return models;
}

caf::expected<model_record> model_catalog::get(const std::string& id) const {
  if (auto err = check_id(id))
    return err;
  if (!fs::is_regular_file(model_dir(id) / "metadata.json"))
    return make_error(api_errc::not_found, "no model '" + id + "' in the catalog");
  auto record = read_entry(model_dir(id));
  if (!record)
    return make_error(api_errc::internal, "metadata of model '" + id + "' is unreadable");
  return std::move(*record);
}

std::optional<catalog_entry_brief> model_catalog::brief(const std::string& id) const {
  if (!is_valid_model_id(id))
    return std::nullopt;
  auto entry = read_entry(model_dir(id));
  if (!entry)
    return std::nullopt;
  catalog_entry_brief brief{entry->source};
  for (const auto& file : entry->files)
    brief.shares_blobs |= !file.blob.empty();
  return brief;
}

caf::error model_catalog::remove(const std::string& id) const {
  if (auto err = check_id(id))
    return err;
  auto meta = model_dir(id) / "metadata.json";
  if (!fs::is_regular_file(meta))
    return make_error(api_errc::not_found, "no model '" + id + "' in the catalog");
  // Files that live in a vendor's shared cache: the links and manifests no
  // other model of the catalog lists, and the blobs nothing else uses.
  std::set<fs::path> elsewhere;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator{root_, ec})
    if (entry.path().filename() != id)
      for (auto& path : file_paths(entry.path()))
        elsewhere.insert(std::move(path));
  std::vector<fs::path> own;
  for (auto& path : file_paths(model_dir(id)))
    if (!elsewhere.contains(path))
      own.push_back(std::move(path));
  ec.clear();
  release_shared_files(own, ec);
  if (ec)
    return make_error(download_errc::io_failed,
                      "cannot remove the files of model '" + id + "': " + ec.message());
  fs::remove_all(model_dir(id), ec);
  if (ec)
    return make_error(download_errc::io_failed,
                      "cannot remove model '" + id + "': " + ec.message());
  return {};
}

} // namespace hive
