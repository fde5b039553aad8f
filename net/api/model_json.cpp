#include "net/api/model_json.hpp"

#include "net/api/event_json.hpp"
#include "net/format/json_writer.hpp"

#include <simdjson.h>

#include <ctime>

namespace hive {

namespace {

/// `added_at`: seconds are what the file keeps.
std::string iso_time(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

std::int64_t parse_iso_time(const std::string& text) {
  std::tm utc{};
  if (!strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &utc))
    return 0;
  return static_cast<std::int64_t>(timegm(&utc)) * 1000;
}

/// The string field `key` of `obj`, or "" when it has none.
std::string text_of(simdjson::dom::object obj, std::string_view key) {
  std::string_view value;
  return obj[key].get(value) == simdjson::SUCCESS ? std::string{value} : std::string{};
}

std::uint64_t number_of(simdjson::dom::object obj, std::string_view key) {
  std::uint64_t value = 0;
  return obj[key].get(value) == simdjson::SUCCESS ? value : 0;
}

} // namespace

std::string model_json(const model_record& record) {
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

std::string models_json(const std::vector<model_record>& records) {
  json_array models;
  for (const auto& record : records)
    models.raw(model_json(record));
  return json_object{}.raw("models", models.str()).str();
}

std::string cluster_models_json(const std::vector<hive_catalog>& catalogs) {
  json_array models;
  for (const auto& catalog : catalogs)
    for (const auto& record : catalog.models)
      models.raw(with_hive_id(model_json(record), catalog.hive_id));
  return json_object{}.raw("models", models.str()).str();
}

std::string model_deleted_json(std::string_view id) {
  return json_object{}.field("id", id).field("status", "deleted").str();
}

namespace {

model_record record_of(simdjson::dom::object obj) {
  model_record record;
  record.id = text_of(obj, "id");
  record.name = text_of(obj, "name");
  record.vendor = text_of(obj, "vendor");
  record.source = text_of(obj, "source");
  simdjson::dom::array files;
  if (obj["files"].get(files) == simdjson::SUCCESS)
    for (auto item : files) {
      simdjson::dom::object file;
      if (item.get(file) != simdjson::SUCCESS)
        continue;
      record.files.push_back(file_fetched{text_of(file, "name"), text_of(file, "path"),
                                          number_of(file, "size"), text_of(file, "sha256"),
                                          text_of(file, "blob")});
    }
  record.total_size = number_of(obj, "total_size");
  record.added_at_ms = parse_iso_time(text_of(obj, "added_at"));
  return record;
}

} // namespace

std::optional<model_record> parse_model_json(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(text.data(), text.size()).get(obj) != simdjson::SUCCESS)
    return std::nullopt;
  return record_of(obj);
}

std::optional<std::vector<model_record>> parse_models_json(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::array models;
  if (parser.parse(text.data(), text.size())["models"].get(models) != simdjson::SUCCESS)
    return std::nullopt;
  std::vector<model_record> records;
  for (auto item : models) {
    simdjson::dom::object obj;
    if (item.get(obj) == simdjson::SUCCESS)
      records.push_back(record_of(obj));
  }
  return records;
}

} // namespace hive
