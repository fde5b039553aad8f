#pragma once

#include "actors/inspect/counted_behavior.hpp"
#include "messages/registry_messages.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/fwd.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

namespace hive {

/// The registry of live actors behind `GET /v1/actors`. CAF cannot enumerate
/// running actors, so every actor we spawn is announced here; `announce`
/// monitors it for the registry, which forgets it on its `down_msg`.
struct registry_state {
  struct entry {
    std::string name;
    actor_info info;
    std::int64_t spawned_ms = 0;
  };
  /// Live actors by CAF actor id.
  std::map<caf::actor_id, entry> actors;
  /// The hive these actors run on, stamped on every row.
  std::string hive_id;
  static inline const char* name = "actor_registry";
};

using registry_actor_type = caf::stateful_actor<registry_state>;

/// Accepts `(register_atom, actor, actor_info)`; answers `list_atom` with
/// `std::vector<actor_row>`, each row naming `hive_id`.
caf::behavior registry_actor(registry_actor_type* self, std::string hive_id);

/// Announces `who` to `registry` (a no-op when there is no registry).
void announce(const caf::actor& registry, const caf::actor& who, actor_info info);

/// Spawns the actor function `fun` with arguments `xs` through `parent` (an
/// actor system, or the parent actor), its behavior counted into
/// `info.stats` (made here when empty), and announces it to `registry`.
template <caf::spawn_options Os = caf::no_spawn_options, class Parent, class Self, class... Params,
          class... Ts>
caf::actor spawn_announced(Parent& parent, const caf::actor& registry, actor_info info,
                           caf::behavior (*fun)(Self*, Params...), Ts&&... xs) {
  if (!info.stats)
    info.stats = std::make_shared<actor_stats>();
  caf::actor who = parent.template spawn<Os>(observed(fun, info.stats), std::forward<Ts>(xs)...);
  announce(registry, who, std::move(info));
  return who;
}

} // namespace hive
