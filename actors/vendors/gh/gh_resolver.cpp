#include "net/asio.hpp"

#include "actors/vendors/gh/gh_resolver.hpp"

#include "actors/vendors/gh/gh_releases_api.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "net/format/human_units.hpp"

#include <algorithm>

namespace hive {

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

gh::api_client make_api(const vendor_context& ctx) {
  gh::api_client api;
  api.base = ctx.settings.vendors.of<gh_settings>().api;
  api.options = metadata_options(ctx.settings);
  api.options.bearer_token = ctx.bearer_token;
  api.options.headers = {{"Accept", "application/vnd.github+json"},
                         {"X-GitHub-Api-Version", "2022-11-28"}};
  api.options.on_retry = ctx.voice.retries();
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
  task.url = gh::asset_url(ctx.settings.vendors.of<gh_settings>().api, ctx.ref.repo, asset.id);
  task.accept = "application/octet-stream";
  task.size = asset.size;
  task.sha256 = wanted.empty() ? asset.sha256 : wanted;
  task.final_path = (ctx.dest_dir / asset.name).string();
  task.part_path = task.final_path + ".part";
  return job_files{{std::move(task)}, {}, {}};
}

} // namespace

asio::awaitable<caf::expected<job_files>> gh_resolver::plan(vendor_context ctx) {
  ctx.voice.target = ctx.ref.repo;
  ctx.voice.say("resolve", "asking " + ctx.settings.vendors.of<gh_settings>().api + " for release " + ctx.ref.revision
                               + " of " + ctx.ref.repo);
  auto api = make_api(ctx);
  auto release = co_await gh::get_release(api, ctx.ref.repo, ctx.ref.revision);
  if (!release)
    co_return std::move(release.error());
  auto asset = gh::pick_asset(*release, ctx.ref.repo, ctx.ref.path);
  if (!asset)
    co_return std::move(asset.error());
  auto published =
      release->published_at.empty() ? "unpublished" : "published " + release->published_at;
  auto digest = asset->sha256.empty() ? "no digest: size checked only" : "sha256 " + asset->sha256;
  ctx.voice.say("resolved", ctx.ref.repo + " release " + release->tag + " (" + published
                                + "): asset " + asset->name + ", " + format_bytes(asset->size)
                                + ", " + digest);
  co_return task_for(ctx, *asset);
}

} // namespace hive
