#include "actors/hf_resolver_actor.hpp"
#include "actors/hub_refusals.hpp"
#include "actors/url_vendor_actor.hpp"
#include "actors/vendor_context.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>

namespace hive {

namespace {

/// A Hub job's context: the job's token or the node's, its refusals explained.
vendor_context for_hub(const vendor_context& ctx) {
  auto hub = ctx;
  if (hub.bearer_token.empty())
    hub.bearer_token = ctx.settings.hf_token;
  // The token goes to the Hub only, never to the CDN a file comes from (its
  // URLs are signed), even when a file's URL is the CDN's from the start.
  hub.token_origin = ctx.settings.hf_endpoint;
  hub.explain_refusal = explain_hub_refusal;
  return hub;
}

} // namespace

caf::actor spawn_vendor(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  constexpr auto opts = caf::linked + caf::monitored;
  // parse_model_ref only yields vendors listed here.
  if (ctx.ref.vendor == "hf") {
    if (ctx.task)
      return supervisor->spawn<opts>(url_vendor_actor, for_hub(ctx));
    return supervisor->spawn<opts>(hf_resolver_actor, for_hub(ctx));
  }
  return supervisor->spawn<opts>(url_vendor_actor, ctx);
}

} // namespace hive
