#include "actors/registry_actor.hpp"

#include "messages/json_writer.hpp"
#include "messages/type_ids.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/local_actor.hpp>
#include <caf/send.hpp>

namespace hive {

caf::behavior registry_actor(registry_actor_type* self) {
  self->set_down_handler([self](caf::down_msg& msg) { self->state.actors.erase(msg.source.id()); });
  return {
      [self](register_atom, const caf::actor& who, actor_info& info) {
        auto local = dynamic_cast<caf::local_actor*>(caf::actor_cast<caf::abstract_actor*>(who));
        std::string name = local ? local->name() : info.kind;
        self->state.actors[who.id()] =
            registry_state::entry{std::move(name), std::move(info), wall_clock_ms()};
        self->monitor(who);
      },
      [self](list_atom) -> std::string {
        auto now = wall_clock_ms();
        json_array items;
        for (const auto& [id, e] : self->state.actors)
          items.raw(json_object{}
                        .field("id", static_cast<std::uint64_t>(id))
                        .field("name", e.name)
                        .field("kind", e.info.kind)
                        .field("job_id", e.info.job_id)
                        .field("parent", e.info.parent)
                        .field("uptime_ms", now - e.spawned_ms)
                        .str());
        return json_object{}.raw("actors", items.str()).str();
      },
  };
}

void announce(const caf::actor& registry, const caf::actor& who, std::string kind,
              std::string job_id, caf::actor_id parent) {
  if (registry)
    caf::anon_send(registry, register_atom_v, who,
                   actor_info{std::move(kind), std::move(job_id), parent});
}

} // namespace hive
