#include "actors/vendors/hf/hf_vendor.hpp"

#include "actors/vendors/hf/hf_cache.hpp"
#include "actors/vendors/hf/hf_resolver.hpp"
#include "actors/vendors/hf/hub_refusals.hpp"
#include "actors/vendors/http_file_actor.hpp"
#include "actors/vendors/vendor_start.hpp"
#include "messages/errc.hpp"
#include "messages/job_messages.hpp"

namespace hive {

namespace {

vendor_context for_hub(const vendor_context& ctx) {
  const auto& s = ctx.settings.vendors.of<hf_settings>();
  auto hub = for_api(ctx, s.token, s.endpoint, explain_hub_refusal);
  hub.link_file = hf::link_pointer; // a fetched blob's names in the cache's snapshots
  return hub;
}

} // namespace

caf::actor hf_vendor::start(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  return start_vendor_actor(supervisor, resolver_actor<hf_resolver>, for_hub(ctx));
}

caf::actor hf_vendor::fetch_file(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  return start_vendor_actor(supervisor, http_file_actor, for_hub(ctx));
}

caf::error hf_vendor::check(const download_spec& spec, const model_ref& ref, const settings&) {
  if ((!spec.include.empty() || !spec.exclude.empty()) && (!ref.path.empty() || !ref.quant.empty()))
    return make_error(api_errc::invalid_field, "'include' and 'exclude' apply to a whole "
                                               "repository (hf:org/name), not to one file");
  return {};
}

void hf_vendor::release(const std::vector<std::filesystem::path>& files, std::error_code& ec) {
  hf::release_pointers(files, ec);
}

} // namespace hive
