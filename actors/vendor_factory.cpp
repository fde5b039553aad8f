#include "actors/build_actor.hpp"
#include "actors/counted_behavior.hpp"
#include "actors/file_import_actor.hpp"
#include "actors/gh_refusals.hpp"
#include "actors/gh_resolver_actor.hpp"
#include "actors/hf_resolver_actor.hpp"
#include "actors/hub_refusals.hpp"
#include "actors/local_resolver_actor.hpp"
#include "actors/ollama_resolver_actor.hpp"
#include "actors/url_vendor_actor.hpp"
#include "actors/vendor_context.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>

#include <string_view>

namespace hive {

namespace {

constexpr auto opts = caf::linked + caf::monitored;

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

/// A GitHub job's context: the job's token or the node's, for the API only.
vendor_context for_github(const vendor_context& ctx) {
  auto gh = ctx;
  if (gh.bearer_token.empty())
    gh.bearer_token = ctx.settings.github_token;
  // Asset downloads redirect to a blob store with signed URLs: no token there.
  gh.token_origin = ctx.settings.github_api;
  gh.explain_refusal = explain_github_refusal;
  return gh;
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
       return start(sv, url_vendor_actor, ctx);
     },
     nullptr},
    {"hf",
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, hf_resolver_actor, for_hub(ctx));
     },
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, url_vendor_actor, for_hub(ctx));
     }},
    {"gh",
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, gh_resolver_actor, for_github(ctx));
     },
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, url_vendor_actor, for_github(ctx));
     }},
    {"ollama",
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, ollama_resolver_actor, ctx);
     },
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, url_vendor_actor, ctx); // each blob carries the registry's token
     }},
    {"local",
     [](caf::event_based_actor* sv, const vendor_context& ctx) {
       return start(sv, local_resolver_actor, ctx);
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
  return start(supervisor, url_vendor_actor, ctx);
}

} // namespace hive
