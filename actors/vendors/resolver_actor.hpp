#pragma once

#include "actors/vendors/vendor_context.hpp"

#include "net/asio.hpp"

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <functional>

namespace hive {

/// How a vendor works out a job's files from its reference: an Asio
/// coroutine that asks the source, places the files in the vendor's layout
/// and narrates through `ctx.voice` (which speaks as the resolver).
using resolver_plan = boost::asio::awaitable<caf::expected<job_files>> (*)(vendor_context ctx);

/// What every resolver holds.
struct resolver_state {
  vendor_context ctx;
  /// Stops the running plan; empty when none runs.
  std::function<void()> cancel_plan;
  /// Why the resolver goes, once a cancelled plan has stopped; none before.
  caf::error exit_reason;
};

/// A resolver's state under its vendor's name, which the inspector shows.
template <class Vendor>
struct named_resolver_state : resolver_state {
  static inline const char* name = Vendor::name;
};

/// Runs `plan` for `ctx` as an Asio coroutine that `self` owns, on the job's
/// I/O context, and sends its `job_files` to the supervisor, or quits with
/// its error. A cancel stops the plan and waits (up to an unwind limit) until
/// it has, so that nothing it writes outlives the job; any other exit goes
/// at once.
caf::behavior run_resolver(caf::event_based_actor* self, resolver_state& st, vendor_context ctx,
                           resolver_plan plan);

/// The job's first vendor for `Vendor`, which supplies only its `name` and
/// its `plan`.
template <class Vendor>
caf::behavior resolver_actor(caf::stateful_actor<named_resolver_state<Vendor>>* self,
                             vendor_context ctx) {
  return run_resolver(self, self->state, std::move(ctx), &Vendor::plan);
}

} // namespace hive
