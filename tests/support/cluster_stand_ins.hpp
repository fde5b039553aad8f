#pragma once

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/fwd.hpp>

namespace hive::test {

// Stand-ins for the membership's cluster actors, answering the messages the
// job forwarding needs as the real ones do.

/// The cluster actor of the hive `gpu-2` as other hives see it: it hands
/// what they send for jobs (forwards, catalog lists) to its `gateway`
/// (`delegate`).
caf::behavior remote_cluster_stand_in(caf::event_based_actor* self, caf::actor gateway);

/// The cluster actor of the asking hive `gpu-1`: `(lookup_atom, id)` gives
/// `gpu2` for `gpu-2`, `hive_unavailable` for `gpu-3` (known, down) and
/// `unknown_hive` for any other name; `(list_atom)` the three with their states.
caf::behavior local_cluster_stand_in(caf::event_based_actor* self, caf::actor gpu2);

} // namespace hive::test
