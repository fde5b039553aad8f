#pragma once

#include "messages/catalog_messages.hpp"

#include <caf/expected.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hive {

/// What decides whether a job or a delete may touch a catalog entry.
struct catalog_entry_brief {
  /// The reference the model was fetched from.
  std::string source;
  /// Some of its files are links into a vendor's shared cache, whose blobs
  /// other models may share.
  bool shares_blobs = false;
};

/// The on-disk catalog: `<root>/<id>/metadata.json` per model, each written
/// atomically (temporary file, fsync, rename). Ids are checked to be single
/// safe path segments, so no id reaches outside the root.
class model_catalog {
public:
  explicit model_catalog(std::filesystem::path root);

  const std::filesystem::path& root() const {
    return root_;
  }
  /// Folder of a model (which may not exist yet); the id must be valid.
  std::filesystem::path model_dir(const std::string& id) const;

  caf::error add(const model_record& record) const;
  /// Every readable entry.
  std::vector<model_record> list() const;
  /// The entry, or `not_found` / `invalid_field`.
  caf::expected<model_record> get(const std::string& id) const;
  /// The entry of a valid id, if the catalog has a readable one.
  std::optional<catalog_entry_brief> brief(const std::string& id) const;
  /// Removes the model's folder, or `not_found` / `invalid_field`.
  caf::error remove(const std::string& id) const;

private:
  std::filesystem::path root_;
};

} // namespace hive
