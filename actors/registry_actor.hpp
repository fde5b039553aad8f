#pragma once

#include "messages/registry_messages.hpp"

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/fwd.hpp>
#include <caf/stateful_actor.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace hive {

/// The registry of live actors behind `GET /v1/actors`. CAF cannot enumerate
/// running actors, so every actor we spawn is announced here; the registry
/// monitors it and forgets it on its `down_msg`.
struct registry_state {
  struct entry {
    std::string name;
    actor_info info;
    std::int64_t spawned_ms = 0;
  };
  /// Live actors by CAF actor id.
  std::map<caf::actor_id, entry> actors;
  static inline const char* name = "actor_registry";
};

using registry_actor_type = caf::stateful_actor<registry_state>;

/// Accepts `(register_atom, actor, actor_info)`; answers `list_atom` with JSON.
caf::behavior registry_actor(registry_actor_type* self);

/// Announces `who` to `registry` (a no-op when there is no registry).
void announce(const caf::actor& registry, const caf::actor& who, std::string kind,
              std::string job_id, caf::actor_id parent);

} // namespace hive
