#include <utility> // Boost 1.74's awaitable.hpp needs std::exchange; harmless on 1.81.

#include "actors/vendors/gh/gh_resolver_actor.hpp"

#include "actors/vendors/gh/gh_releases_api.hpp"
#include "actors/jobs/narration_actor.hpp"
#include "actors/vendors/resolver_run.hpp"
#include "messages/errc.hpp"
#include "net/format/human_units.hpp"
#include "messages/type_ids.hpp"

#include <caf/event_based_actor.hpp>

#include <algorithm>

namespace hive {

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

gh::api_client make_api(const vendor_context& ctx) {
  gh::api_client api;
  api.base = ctx.settings.github_api;
  api.options = metadata_options(ctx.settings);
  api.options.bearer_token = ctx.bearer_token;
  api.options.headers = {{"Accept", "application/vnd.github+json"},
                         {"X-GitHub-Api-Version", "2022-11-28"}};
  api.options.on_retry = narrate_retries(ctx.narration, "gh_resolver", ctx.ref.repo);
  return api;
}

/// An asset name usable as a file name in the model's folder.
bool is_storable(std::string name) {
  std::replace(name.begin(), name.end(), '+', '_');
  return is_valid_model_id(name) && name != "metadata.json" && !name.ends_with(".tmp");
}

/// What the job fetches: the one asset, from the API, checked against its
/// digest (or the user's) and its size.
caf::expected<job_files> task_for(const vendor_context& ctx, const gh::release_asset& asset) {
  if (!is_storable(asset.name))
    return make_error(download_errc::unsafe_path, ctx.ref.repo + " has an asset named '"
                                                      + asset.name
                                                      + "', which is no safe file name; "
                                                        "nothing was written");
  const auto& wanted = ctx.expected_sha256;
  if (!wanted.empty() && !asset.sha256.empty() && asset.sha256 != wanted)
    return make_error(download_errc::checksum_mismatch,
                      "GitHub's " + asset.name + " has sha256 " + asset.sha256 + ", not " + wanted);
  file_task task;
  task.name = asset.name;
  task.url = gh::asset_url(ctx.settings.github_api, ctx.ref.repo, asset.id);
  task.accept = "application/octet-stream";
  task.size = asset.size;
  task.sha256 = wanted.empty() ? asset.sha256 : wanted;
  task.final_path = (ctx.dest_dir / asset.name).string();
  task.part_path = task.final_path + ".part";
  return job_files{{std::move(task)}, {}, {}};
}

asio::awaitable<caf::expected<job_files>> resolve(gh::api_client api, vendor_context ctx) {
  auto release = co_await gh::get_release(api, ctx.ref.repo, ctx.ref.revision);
  if (!release)
    co_return std::move(release.error());
  auto asset = gh::pick_asset(*release, ctx.ref.repo, ctx.ref.path);
  if (!asset)
    co_return std::move(asset.error());
  auto published =
      release->published_at.empty() ? "unpublished" : "published " + release->published_at;
  auto digest = asset->sha256.empty() ? "no digest: size checked only" : "sha256 " + asset->sha256;
  caf::anon_send(ctx.narration, narration_note{"gh_resolver", "resolved", ctx.ref.repo,
                                               ctx.ref.repo + " release " + release->tag + " ("
                                                   + published + "): asset " + asset->name + ", "
                                                   + format_bytes(asset->size) + ", " + digest,
                                               narration_level::info});
  co_return task_for(ctx, *asset);
}

} // namespace

caf::behavior gh_resolver_actor(gh_resolver_actor_type* self, vendor_context ctx) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  self->send(st.ctx.narration,
             narration_note{"gh_resolver", "resolve", st.ctx.ref.repo,
                            "asking " + st.ctx.settings.github_api + " for release "
                                + st.ctx.ref.revision + " of " + st.ctx.ref.repo,
                            narration_level::info});
  start_resolving(self, resolve(make_api(st.ctx), st.ctx));
  return relay_job_files(self);
}

} // namespace hive
