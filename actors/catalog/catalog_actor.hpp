#pragma once

#include "actors/catalog/model_catalog.hpp"

#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include <optional>

namespace hive {

/// Sole owner of the on-disk catalog, so that adds and deletes never race.
struct catalog_state {
  std::optional<model_catalog> catalog;
  static inline const char* name = "catalog";
};

using catalog_actor_type = caf::stateful_actor<catalog_state>;

/// `(put_atom, model_record) -> std::string` id; `list_atom ->
/// std::vector<model_record>`; `(get_atom, id) -> model_record`;
/// `(delete_atom, id) -> std::string` id.
caf::behavior catalog_actor(catalog_actor_type* self, std::filesystem::path root);

} // namespace hive
