#include "actors/inspect/registry_actor.hpp"

#include "messages/type_ids.hpp"
#include "net/host/wall_clock.hpp"

#include <caf/default_attachable.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/local_actor.hpp>
#include <caf/send.hpp>

namespace hive {

namespace {

/// The actor as listed at `now`, its figures sampled from its stats.
actor_row row_of(const std::string& hive_id, caf::actor_id id, const registry_state::entry& e,
                 std::int64_t now) {
  const auto* stats = e.info.stats.get();
  constexpr auto relaxed = std::memory_order_relaxed;
  return actor_row{
      .hive_id = hive_id,
      .id = id,
      .name = e.name,
      .kind = e.info.kind,
      .job_id = e.info.job_id,
      .parent = e.info.parent,
      .started_ms = e.spawned_ms,
      .uptime_ms = now - e.spawned_ms,
      .state = stats ? stats->state.load(relaxed) : actor_activity::running,
      .messages = stats ? static_cast<std::int64_t>(stats->messages.load(relaxed)) : -1,
      .mailbox = stats ? stats->mailbox.load(relaxed) : -1,
      .bytes_per_sec = stats ? stats->rate_at(now) : -1,
  };
}

} // namespace

caf::behavior registry_actor(registry_actor_type* self, std::string hive_id) {
  self->state.hive_id = std::move(hive_id);
  self->set_down_handler([self](caf::down_msg& msg) { self->state.actors.erase(msg.source.id()); });
  return {
      [self](register_atom, const caf::actor& who, actor_info& info) {
        auto local = dynamic_cast<caf::local_actor*>(caf::actor_cast<caf::abstract_actor*>(who));
        std::string name = local ? local->name() : info.kind;
        self->state.actors[who.id()] =
            registry_state::entry{std::move(name), std::move(info), wall_clock_ms()};
      },
      [self](list_atom) {
        auto now = wall_clock_ms();
        std::vector<actor_row> rows;
        for (const auto& [id, e] : self->state.actors)
          rows.push_back(row_of(self->state.hive_id, id, e, now));
        return rows;
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
