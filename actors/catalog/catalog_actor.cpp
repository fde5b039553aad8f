#include "actors/catalog/catalog_actor.hpp"

#include "messages/type_ids.hpp"

#include <caf/event_based_actor.hpp>

namespace hive {

caf::behavior catalog_actor(catalog_actor_type* self, std::filesystem::path root) {
  self->state.catalog.emplace(std::move(root));
  return {
      [self](caf::put_atom, const model_record& record) -> caf::result<std::string> {
        if (auto err = self->state.catalog->add(record))
          return err;
        return record.id;
      },
      [self](list_atom) { return self->state.catalog->list(); },
      [self](caf::get_atom, const std::string& id) -> caf::result<model_record> {
        auto record = self->state.catalog->get(id);
        if (!record)
          return std::move(record.error());
        return std::move(*record);
      },
      [self](caf::delete_atom, const std::string& id) -> caf::result<std::string> {
        if (auto err = self->state.catalog->remove(id))
          return err;
        return id;
      },
  };
}

} // namespace hive
