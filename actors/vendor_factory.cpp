#include "actors/url_vendor_actor.hpp"
#include "actors/vendor_context.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>

namespace hive {

caf::actor spawn_vendor(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  // parse_model_ref only yields vendors listed here.
  return supervisor->spawn<caf::linked + caf::monitored>(url_vendor_actor, ctx);
}

} // namespace hive
