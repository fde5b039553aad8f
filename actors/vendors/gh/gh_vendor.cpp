#include "actors/vendors/gh/gh_vendor.hpp"

#include "actors/vendors/gh/gh_refusals.hpp"
#include "actors/vendors/gh/gh_resolver.hpp"
#include "actors/vendors/http_file_actor.hpp"
#include "actors/vendors/vendor_start.hpp"

namespace hive {

namespace {

vendor_context for_github(const vendor_context& ctx) {
  const auto& s = ctx.settings.vendors.of<gh_settings>();
  return for_api(ctx, s.token, s.api, explain_github_refusal);
}

} // namespace

caf::actor gh_vendor::start(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  return start_vendor_actor(supervisor, resolver_actor<gh_resolver>, for_github(ctx));
}

caf::actor gh_vendor::fetch_file(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  return start_vendor_actor(supervisor, http_file_actor, for_github(ctx));
}

} // namespace hive
