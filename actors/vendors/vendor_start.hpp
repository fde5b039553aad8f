#pragma once

// How a vendor starts its actors. Included by the vendors' `X_vendor.cpp`.

#include "actors/inspect/counted_behavior.hpp"
#include "actors/vendors/vendor_context.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>

#include <string>
#include <utility>

namespace hive {

/// Spawns the vendor actor `fun` for `ctx`, linked to and monitored by
/// `supervisor`, its behavior counted into `ctx.stats`.
template <class Self>
caf::actor start_vendor_actor(caf::event_based_actor* supervisor,
                              caf::behavior (*fun)(Self*, vendor_context), vendor_context ctx) {
  auto stats = ctx.stats;
  return supervisor->spawn<caf::linked + caf::monitored>(observed(fun, std::move(stats)),
                                                         std::move(ctx));
}

/// A job's context for a source with an API of its own: the job's token or
/// the node's, sent to that API's origin only (its files may come from a
/// CDN or blob store whose URLs are signed), and its refusals explained.
inline vendor_context for_api(vendor_context ctx, const std::string& node_token,
                              const std::string& origin, net::refusal_explainer explain) {
  if (ctx.bearer_token.empty())
    ctx.bearer_token = node_token;
  ctx.token_origin = origin;
  ctx.explain_refusal = std::move(explain);
  return ctx;
}

} // namespace hive
