#include "actors/catalog/model_catalog.hpp"

#include "actors/vendors/model_ref.hpp"
#include "actors/vendors/vendor_registry.hpp"
#include "messages/errc.hpp"
#include "net/format/json_writer.hpp"
#include "net/host/file_system.hpp"

#include <simdjson.h>

#include <cerrno>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace hive {

namespace fs = std::filesystem;

namespace {

std::string iso_time(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

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

bool is_json_object(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  return parser.parse(text).get(obj) == simdjson::SUCCESS;
}

/// The `path` of each of a metadata.json's files.
std::vector<fs::path> file_paths(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::array files;
  std::vector<fs::path> out;
  if (parser.parse(text)["files"].get(files) != simdjson::SUCCESS)
    return out;
  for (auto file : files) {
    std::string_view path;
    if (file["path"].get(path) == simdjson::SUCCESS)
      out.emplace_back(path);
  }
  return out;
}

} // namespace

model_catalog::model_catalog(fs::path root) : root_(std::move(root)) {
}

fs::path model_catalog::model_dir(const std::string& id) const {
  return root_ / id;
}

std::string model_catalog::to_json(const model_record& record) {
  json_array files;
  for (const auto& f : record.files) {
    json_object file;
    file.field("name", f.name)
        .field("path", f.path)
        .field("size", f.size)
        .field("sha256", f.sha256);
    if (!f.blob.empty()) // `path` is a link into a shared cache
      file.field("blob", f.blob);
    files.raw(file.str());
  }
  return json_object{}
      .field("id", record.id)
      .field("name", record.name)
      .field("vendor", record.vendor)
      .field("source", record.source)
      .raw("files", files.str())
      .field("total_size", record.total_size)
      .field("added_at", iso_time(record.added_at_ms))
      .str();
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
  if (auto write_ec = net::write_atomically(path, to_json(record)))
    return net::is_disk_full(write_ec)
               ? make_error(download_errc::insufficient_space,
                            "cannot write " + path.string() + ": "
                                + net::no_space_text(path.parent_path()))
               : make_error(download_errc::io_failed,
                            "cannot write " + path.string() + ": " + write_ec.message());
  return {};
}

std::string model_catalog::list_json() const {
  json_array models;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator{root_, ec}) {
    auto meta = entry.path() / "metadata.json";
    if (!entry.is_directory() || !fs::is_regular_file(meta))
      continue;
    auto text = read_file(meta);
    if (is_json_object(text))
      models.raw(text);
  }
  return json_object{}.raw("models", models.str()).str();
}

caf::expected<std::string> model_catalog::get_json(const std::string& id) const {
  if (auto err = check_id(id))
    return err;
  auto meta = model_dir(id) / "metadata.json";
  if (!fs::is_regular_file(meta))
    return make_error(api_errc::not_found, "no model '" + id + "' in the catalog");
  auto text = read_file(meta);
  if (!is_json_object(text))
    return make_error(api_errc::internal, "metadata of model '" + id + "' is unreadable");
  return text;
}

std::optional<catalog_entry_brief> model_catalog::brief(const std::string& id) const {
  if (!is_valid_model_id(id))
    return std::nullopt;
  auto text = read_file(model_dir(id) / "metadata.json");
  simdjson::dom::parser parser;
  simdjson::dom::object entry;
  if (parser.parse(text).get(entry) != simdjson::SUCCESS)
    return std::nullopt;
  catalog_entry_brief brief;
  std::string_view source;
  if (entry["source"].get(source) == simdjson::SUCCESS)
    brief.source = source;
  simdjson::dom::array files;
  if (entry["files"].get(files) == simdjson::SUCCESS)
    for (auto file : files) {
      std::string_view blob;
      brief.shares_blobs |= file["blob"].get(blob) == simdjson::SUCCESS && !blob.empty();
    }
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
      for (auto& path : file_paths(read_file(entry.path() / "metadata.json")))
        elsewhere.insert(std::move(path));
  std::vector<fs::path> own;
  for (auto& path : file_paths(read_file(meta)))
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
