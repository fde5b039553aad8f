#include "actors/inspect/registry_actor.hpp"

#include "net/format/json_writer.hpp"
#include "messages/type_ids.hpp"

#include <caf/default_attachable.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/local_actor.hpp>
#include <caf/send.hpp>

namespace hive {

namespace {

/// A figure that may be unknown (negative): a number or `null`.
void known_or_null(json_object& obj, std::string_view key, std::int64_t value) {
  if (value < 0)
    obj.raw(key, "null");
  else
    obj.field(key, value);
}

std::string actor_json(caf::actor_id id, const registry_state::entry& e, std::int64_t now) {
  json_object obj;
  obj.field("id", static_cast<std::uint64_t>(id))
      .field("name", e.name)
      .field("kind", e.info.kind)
      .field("job_id", e.info.job_id)
      .field("parent", e.info.parent)
      .field("uptime_ms", now - e.spawned_ms)
      .field("started_ms", e.spawned_ms);
  const auto* stats = e.info.stats.get();
  constexpr auto relaxed = std::memory_order_relaxed;
  obj.field("state", stats ? stats->state.load(relaxed) : "running");
  if (stats)
    obj.field("messages", stats->messages.load(relaxed));
  else
    obj.raw("messages", "null");
  known_or_null(obj, "mailbox", stats ? stats->mailbox.load(relaxed) : -1);
  known_or_null(obj, "bytes_per_sec", stats ? stats->rate_at(now) : -1);
  return obj.str();
}

} // namespace

caf::behavior registry_actor(registry_actor_type* self) {
  self->set_down_handler([self](caf::down_msg& msg) { self->state.actors.erase(msg.source.id()); });
  return {
      [self](register_atom, const caf::actor& who, actor_info& info) {
        auto local = dynamic_cast<caf::local_actor*>(caf::actor_cast<caf::abstract_actor*>(who));
        std::string name = local ? local->name() : info.kind;
        self->state.actors[who.id()] =
            registry_state::entry{std::move(name), std::move(info), wall_clock_ms()};
      },
      [self](list_atom) -> std::string {
        auto now = wall_clock_ms();
        json_array items;
        for (const auto& [id, e] : self->state.actors)
          items.raw(actor_json(id, e, now));
        return json_object{}.raw("actors", items.str()).str();
      },
  };
}

void announce(const caf::actor& registry, const caf::actor& who, actor_info info) {
  if (!registry || !who)
    return;
  caf::anon_send(registry, register_atom_v, who, std::move(info));
  // Monitored for the registry now rather than when it gets to the
  // registration: the down message is then queued as the actor ends (behind
  // its registration), so a busy registry never lists an actor whose end
  // its parent has already seen (a cancelled job's vendor, say).
  caf::actor_cast<caf::abstract_actor*>(who)->attach(
      caf::default_attachable::make_monitor(who.address(), registry.address()));
}

} // namespace hive
