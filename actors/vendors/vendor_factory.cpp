#include "actors/inspect/counted_behavior.hpp"
#include "actors/vendors/build/build_actor.hpp"
#include "actors/vendors/file_import_actor.hpp"
#include "actors/vendors/gh/gh_refusals.hpp"
#include "actors/vendors/gh/gh_resolver.hpp"
#include "actors/vendors/hf/hf_cache.hpp"
#include "actors/vendors/hf/hf_resolver.hpp"
#include "actors/vendors/hf/hub_refusals.hpp"
#include "actors/vendors/http_file_actor.hpp"
#include "actors/vendors/local/local_resolver.hpp"
#include "actors/vendors/ollama/ollama_resolver.hpp"
#include "actors/vendors/vendor_context.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>

#include <string_view>

namespace hive {

namespace {

constexpr auto opts = caf::linked + caf::monitored;

/// A job's context for a source with an API of its own: the job's token or
/// the node's, sent to that API's origin only (its files may come from a
/// CDN or blob store whose URLs are signed), and its refusals explained.
vendor_context for_api(const vendor_context& ctx, const std::string& node_token,
                       const std::string& origin, net::refusal_explainer explain) {
  auto api = ctx;
  if (api.bearer_token.empty())
    api.bearer_token = node_token;
  api.token_origin = origin;
  api.explain_refusal = std::move(explain);
  return api;
}

vendor_context for_hub(const vendor_context& ctx) {
  const auto& s = ctx.settings;
  auto hub = for_api(ctx, s.hf_token, s.hf_endpoint, explain_hub_refusal);
  hub.link_file = hf::link_pointer; // a fetched blob's names in the cache's snapshots
  return hub;
}

vendor_context for_github(const vendor_context& ctx) {
  const auto& s = ctx.settings;
  return for_api(ctx, s.github_token, s.github_api, explain_github_refusal);
}

/// Spawns the vendor actor `fun` for `ctx`, its behavior counted into `ctx.stats`.
template <class Self>
caf::actor start(caf::event_based_actor* sv, caf::behavior (*fun)(Self*, vendor_context),
                 vendor_context ctx) {
  auto stats = ctx.stats;
  return sv->spawn<opts>(observed(fun, std::move(stats)), std::move(ctx));
}

using spawner = caf::actor (*)(caf::event_based_actor* supervisor, const vendor_context& ctx);

/// Local files (`local:`, a build's outputs) are imported, not fetched.
caf::actor import_file(caf::event_based_actor* sv, const vendor_context& ctx) {
  return start(sv, file_import_actor, ctx);
}

/// One row per vendor: the actor that starts a job (fetching the one file
/// its reference names, or working out the job's files), and the actor
/// that fetches each of those files.
struct vendor_entry {
  std::string_view name;
  spawner first;
  spawner file;
};

constexpr vendor_entry vendors[] = {
    {"url",
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, http_file_actor, ctx);
     },
     nullptr},
    {"hf",
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, resolver_actor<hf_resolver>, for_hub(ctx));
     },
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, http_file_actor, for_hub(ctx));
     }},
    {"gh",
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, resolver_actor<gh_resolver>, for_github(ctx));
     },
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, http_file_actor, for_github(ctx));
     }},
    {"ollama",
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, resolver_actor<ollama_resolver>, ctx);
     },
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, http_file_actor, ctx); // each blob carries the registry's token
     }},
    {"local",
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, resolver_actor<local_resolver>, ctx);
     },
     import_file},
    {"build",
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, build_actor, ctx);
     },
     import_file},
};

} // namespace

caf::actor spawn_vendor(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  for (const auto& v : vendors) {
    if (v.name != ctx.ref.vendor)
      continue;
    auto make = ctx.task && v.file ? v.file : v.first;
    return make(supervisor, ctx);
  }
  // parse_model_ref only yields vendors listed here.
  return start(supervisor, http_file_actor, ctx);
}

} // namespace hive
