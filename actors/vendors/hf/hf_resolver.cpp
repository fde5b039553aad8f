#include "net/asio.hpp"

#include "actors/vendors/hf/hf_resolver.hpp"

#include "actors/vendors/hf/hf_cache.hpp"
#include "actors/vendors/hf/hf_hub_api.hpp"
#include "actors/vendors/hf/hf_selection.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace hive {

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

bool is_hex(std::string_view text, std::size_t size) {
  return text.size() == size && std::all_of(text.begin(), text.end(), [](unsigned char c) {
           return std::isdigit(c) != 0 || (c >= 'a' && c <= 'f');
         });
}

/// A file to fetch from `url`, verified against what its ETag says.
file_task remote_file(std::string path, std::string url, std::uint64_t size, std::string etag) {
  file_task task;
  task.name = std::move(path);
  task.url = std::move(url);
  task.size = size;
  if (is_hex(etag, 64))
    task.sha256 = etag; // an LFS file: its sha256
  else if (is_hex(etag, 40))
    task.git_sha1 = etag; // a file kept in git: its blob id
  task.etag = std::move(etag);
  return task;
}

caf::error unsafe(const std::string& repo, const std::string& path) {
  return make_error(download_errc::unsafe_path,
                    repo + " lists a file at '" + path
                        + "', which would land outside its snapshot; nothing was written");
}

/// A Hub repository's files at one commit, as the Hub lists them; the tasks
/// carry no local paths yet.
struct hub_listing {
  std::string commit;
  std::vector<file_task> files;
};

/// The one file of `ref.path`, or the GGUF file(s) of `ref.quant`: HEAD each.
asio::awaitable<caf::expected<hub_listing>> list_named(hf::hub_client hub, model_ref ref) {
  std::vector<std::string> paths{ref.path};
  auto revision = ref.revision;
  if (!ref.quant.empty()) {
    auto info = co_await hf::get_revision(hub, ref.repo, ref.revision);
    if (!info)
      co_return std::move(info.error());
    auto chosen = hf::select_quant(info->files, ref.quant);
    if (!chosen)
      co_return std::move(chosen.error());
    paths = std::move(*chosen);
    revision = info->commit; // every part from the same commit
  }
  hub_listing listing;
  for (const auto& path : paths) {
    if (!hf::is_safe_repo_path(path))
      co_return unsafe(ref.repo, path);
    auto head = co_await hf::head_file(hub, ref.repo, revision, path);
    if (!head)
      co_return std::move(head.error());
    // The first answer tells the commit the revision points at; later files
    // and a file served by the Hub itself are then asked for at that commit,
    // so that a branch moving meanwhile cannot mix two versions.
    if (listing.commit.empty())
      revision = listing.commit = head->commit;
    auto url = head->location.starts_with(hub.endpoint + "/")
                   ? hf::resolve_url(hub.endpoint, ref.repo, listing.commit, path)
                   : head->location;
    listing.files.push_back(remote_file(path, url, head->size, head->etag));
  }
  co_return listing;
}

/// A snapshot: the commit, then its tree, filtered.
asio::awaitable<caf::expected<hub_listing>> list_snapshot(hf::hub_client hub, model_ref ref,
                                                          std::vector<std::string> include,
                                                          std::vector<std::string> exclude) {
  auto info = co_await hf::get_revision(hub, ref.repo, ref.revision);
  if (!info)
    co_return std::move(info.error());
  auto tree = co_await hf::list_tree(hub, ref.repo, info->commit);
  if (!tree)
    co_return std::move(tree.error());
  hub_listing listing{info->commit, {}};
  for (auto& file : *tree) {
    if (!hf::is_safe_repo_path(file.path))
      co_return unsafe(ref.repo, file.path);
    if (!hf::wanted(file.path, include, exclude))
      continue;
    auto url = hf::resolve_url(hub.endpoint, ref.repo, info->commit, file.path);
    auto etag = file.lfs_sha256.empty() ? file.git_oid : file.lfs_sha256;
    listing.files.push_back(remote_file(file.path, url, file.size, etag));
  }
  if (listing.files.empty())
    co_return make_error(download_errc::entry_not_found,
                         ref.repo + " has no file that matches the include/exclude patterns");
  co_return listing;
}

hf::hub_client make_hub(const vendor_context& ctx) {
  hf::hub_client hub;
  hub.endpoint = ctx.settings.vendors.of<hf_settings>().endpoint;
  hub.options = metadata_options(ctx.settings);
  hub.options.bearer_token = ctx.bearer_token;
  hub.options.headers = {{"Accept", "application/json"}};
  hub.options.on_retry = ctx.voice.retries();
  return hub;
}

fs::path cache_root(const job_settings& s) {
  const auto& cache = s.vendors.of<hf_settings>().cache;
  return cache.empty() ? s.models_dir / ".huggingface" / "hub" : cache;
}

/// Places the listing in the cache: files whose blob is there are linked
/// into the snapshot at once; the others become tasks that end in the blob.
caf::expected<job_files> place(const vendor_context& ctx, hub_listing& listing) {
  hf::repo_cache cache{cache_root(ctx.settings), ctx.ref.repo};
  if (!is_hex(listing.commit, 40))
    return make_error(download_errc::http_status, "the Hub gave no usable commit for "
                                                      + ctx.ref.repo + ": '" + listing.commit
                                                      + "'");
  if (auto ec = cache.write_ref(ctx.ref.revision, listing.commit))
    return make_error(download_errc::io_failed,
                      "cannot write " + cache.dir().string() + "/refs: " + ec.message());
  if (!ctx.expected_sha256.empty()) { // the user's digest for the one file asked for
    auto& only = listing.files.front();
    if (listing.files.size() != 1 || (!only.sha256.empty() && only.sha256 != ctx.expected_sha256))
      return make_error(download_errc::checksum_mismatch, "the Hub's " + only.name + " has sha256 "
                                                              + only.sha256 + ", not "
                                                              + ctx.expected_sha256);
    only.sha256 = ctx.expected_sha256;
  }
  job_files out;
  std::map<std::string, std::size_t> fetching; // etag -> its task in `out.tasks`
  for (auto& task : listing.files) {
    if (task.etag.empty() || !is_valid_model_id(task.etag))
      return make_error(download_errc::http_status,
                        "the Hub gave no usable ETag for " + task.name + ": '" + task.etag + "'");
    auto blob = cache.blob(task.etag);
    auto pointer = cache.pointer(listing.commit, task.name);
    std::error_code ec;
    auto size = fs::file_size(blob, ec);
    if (!ec && (task.size == 0 || size == task.size)) {
      if (auto link_ec = hf::link_pointer(pointer, blob))
        return make_error(download_errc::io_failed,
                          "cannot link " + pointer.string() + ": " + link_ec.message());
      out.present.push_back(
          file_fetched{task.name, pointer.string(), size, task.sha256, blob.string()});
      continue;
    }
    if (auto same = fetching.find(task.etag); same != fetching.end()) { // one blob, two names
      out.tasks[same->second].aliases.push_back({task.name, pointer.string()});
      continue;
    }
    task.final_path = blob.string();
    task.part_path = cache.incomplete(task.etag).string();
    task.link_path = pointer.string();
    fetching.emplace(task.etag, out.tasks.size());
    out.tasks.push_back(std::move(task));
  }
  return out;
}

} // namespace

asio::awaitable<caf::expected<job_files>> hf_resolver::plan(vendor_context ctx) {
  ctx.voice.target = ctx.ref.repo;
  ctx.voice.say("resolve", "asking " + ctx.settings.vendors.of<hf_settings>().endpoint + " about " + ctx.ref.display_name()
                               + " at " + ctx.ref.revision);
  auto hub = make_hub(ctx);
  // One awaitable, then co_await: GCC 12 miscompiles a co_await of `?:`.
  auto listed = ctx.ref.path.empty() && ctx.ref.quant.empty()
                    ? list_snapshot(std::move(hub), ctx.ref, ctx.include, ctx.exclude)
                    : list_named(std::move(hub), ctx.ref);
  auto listing = co_await std::move(listed);
  if (!listing)
    co_return std::move(listing.error());
  auto files = place(ctx, *listing);
  if (files)
    ctx.voice.say("resolved", ctx.ref.repo + "@" + ctx.ref.revision + " is commit "
                                  + listing->commit.substr(0, 12) + "; "
                                  + std::to_string(listing->files.size()) + " file(s)");
  co_return files;
}

} // namespace hive
