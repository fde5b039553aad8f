#include "actors/hub_refusals.hpp"
#include "actors/url_vendor_actor.hpp"
#include "actors/vendor_context.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>

namespace hive {

caf::actor spawn_vendor(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  // parse_model_ref only yields vendors listed here.
  if (ctx.ref.vendor == "hf") {
    // One Hub file is fetched from its resolve endpoint, which redirects to the
    // CDN; the token stays with the Hub's host.
    auto hub = ctx;
    hub.ref.location = ctx.settings.hf_endpoint + "/" + ctx.ref.location;
    hub.bearer_token = ctx.settings.hf_token;
    hub.explain_refusal = explain_hub_refusal;
    return supervisor->spawn<caf::linked + caf::monitored>(url_vendor_actor, std::move(hub));
  }
  return supervisor->spawn<caf::linked + caf::monitored>(url_vendor_actor, ctx);
}

} // namespace hive
