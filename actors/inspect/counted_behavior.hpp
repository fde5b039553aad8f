#pragma once

#include "messages/actor_stats.hpp"

#include <caf/behavior.hpp>
#include <caf/fwd.hpp>

#include <memory>
#include <utility>

namespace hive {

/// `inner`, counting into `stats` each message it handles and sampling then
/// how many wait in the mailbox of `self` (read on the actor's own thread,
/// where CAF's queue may be read). Empty `stats` or `inner`: `inner` as is.
caf::behavior counted_behavior(caf::scheduled_actor* self, std::shared_ptr<actor_stats> stats,
                               caf::behavior inner);

/// The actor function `fun`, its behavior counted into `stats`: spawn it
/// with `fun`'s own arguments. No handler of `fun` changes.
template <class Self, class... Params>
auto observed(caf::behavior (*fun)(Self*, Params...), std::shared_ptr<actor_stats> stats) {
  return [fun, stats = std::move(stats)](Self* self, Params... xs) {
    return counted_behavior(self, stats, fun(self, std::move(xs)...));
  };
}

} // namespace hive
