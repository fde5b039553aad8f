#pragma once

#include "messages/catalog_messages.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hive {

/// A model as the API shows it and as the catalog stores it (its
/// `metadata.json`): one writer for both.
std::string model_json(const model_record& record);

/// `{"models":[...]}`, as `GET /v1/models` lists them.
std::string models_json(const std::vector<model_record>& records);

/// One hive's catalog, as `model_list` for the cluster gathers them.
struct hive_catalog {
  std::string hive_id;
  std::vector<model_record> models;
};

/// `{"models":[...]}` of several hives, each model with its `"hive_id"`.
std::string cluster_models_json(const std::vector<hive_catalog>& catalogs);

/// `{"id":...,"status":"deleted"}`.
std::string model_deleted_json(std::string_view id);

/// A record read back from a `metadata.json`; fields it lacks stay empty.
/// nullopt when `text` is not a JSON object.
std::optional<model_record> parse_model_json(std::string_view text);

/// The records of a `{"models":[...]}` list; nullopt when `text` is not one.
std::optional<std::vector<model_record>> parse_models_json(std::string_view text);

} // namespace hive
