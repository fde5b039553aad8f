#include "net/asio.hpp"

#include "actors/vendors/ollama/ollama_resolver.hpp"

#include "actors/vendors/ollama/ollama_registry.hpp"
#include "actors/vendors/ollama/ollama_store.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "net/format/human_units.hpp"

#include <fstream>
#include <iterator>
#include <map>
#include <set>

namespace hive {

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

/// Where the job's model lives: the registry to ask, and the host its
/// manifest is filed under (the one the reference names, as Ollama does).
struct origin {
  std::string base;
  std::string host;
};

origin origin_of(const vendor_context& ctx) {
  if (ctx.ref.location.empty())
    return {ctx.settings.vendors.of<ollama_settings>().registry, ollama::default_host};
  return {ctx.ref.location, ctx.ref.location.substr(ctx.ref.location.find("://") + 3)};
}

fs::path store_root(const job_settings& s) {
  const auto& models = s.vendors.of<ollama_settings>().models;
  return models.empty() ? s.models_dir / ".ollama" / "models" : models;
}

ollama::registry_client make_client(const vendor_context& ctx) {
  ollama::registry_client client{origin_of(ctx).base, metadata_options(ctx.settings)};
  client.options.on_retry =
      narrator{ctx.voice.narration, ctx.voice.speaker, ctx.ref.repo}.retries();
  return client;
}

/// "model 1.2 GiB, template 120 B, ..." for the narration.
std::string describe(const ollama::manifest& m) {
  std::string out;
  for (const auto& blob : m.blobs)
    out += (out.empty() ? "" : ", ") + blob.role + " " + format_bytes(blob.size);
  return out;
}

/// With a user's sha256: it must be the digest of one of the model layers.
caf::error check_expected(const vendor_context& ctx, const ollama::manifest& m) {
  if (ctx.expected_sha256.empty())
    return {};
  std::string layers;
  for (const auto& blob : m.blobs) {
    if (blob.role != "model")
      continue;
    if (blob.sha256 == ctx.expected_sha256)
      return {};
    layers += (layers.empty() ? "sha256:" : ", sha256:") + blob.sha256;
  }
  return make_error(download_errc::checksum_mismatch,
                    ctx.ref.display_name() + "'s model layer is "
                        + (layers.empty() ? std::string{"missing"} : layers) + ", not "
                        + ctx.expected_sha256);
}

/// The manifest's blobs as the job's files: the ones the store has, the ones
/// to fetch into it, and the manifest itself to write last (unless the store
/// has this very one already: then it is left as it is).
caf::expected<job_files> place(const vendor_context& ctx, const ollama::registry_client& client,
                               const ollama::manifest& m) {
  if (auto err = check_expected(ctx, m))
    return err;
  ollama::store store{store_root(ctx.settings)};
  job_files out;
  std::map<std::string, int> roles; // names must differ: a second license is `license-2`
  std::set<std::string> seen;
  for (const auto& blob : m.blobs) {
    if (!seen.insert(blob.sha256).second)
      continue; // one file, named twice
    auto count = ++roles[blob.role];
    auto name = count == 1 ? blob.role : blob.role + "-" + std::to_string(count);
    auto path = store.blob(blob.sha256);
    std::error_code ec;
    if (fs::file_size(path, ec) == blob.size && !ec) {
      out.present.push_back({name, path.string(), blob.size, blob.sha256, path.string()});
      continue;
    }
    file_task task;
    task.name = std::move(name);
    task.url = ollama::blob_url(client, ctx.ref.repo, blob.sha256);
    task.part_path = store.partial(blob.sha256).string();
    task.final_path = path.string();
    task.size = blob.size;
    task.sha256 = blob.sha256;
    task.shared = true;
    task.bearer_token = m.token;
    task.token_origin = client.base;
    out.tasks.push_back(std::move(task));
  }
  auto manifest = store.manifest(origin_of(ctx).host, ctx.ref.repo, ctx.ref.revision);
  std::ifstream in{manifest, std::ios::binary};
  if (std::string{std::istreambuf_iterator<char>{in}, {}} == m.raw)
    out.present.push_back({"manifest", manifest.string(), m.raw.size(), "", ""});
  else
    out.written_last.push_back({"manifest", manifest.string(), m.raw});
  return out;
}

} // namespace

asio::awaitable<caf::expected<job_files>> ollama_resolver::plan(vendor_context ctx) {
  ctx.voice.target = ctx.ref.display_name();
  auto client = make_client(ctx);
  ctx.voice.say("resolve",
                "asking " + client.base + " for the manifest of " + ctx.ref.display_name());
  auto m = co_await ollama::get_manifest(client, ctx.ref.repo, ctx.ref.revision);
  if (!m)
    co_return std::move(m.error());
  ctx.voice.say("resolved", ctx.ref.display_name() + ": " + std::to_string(m->blobs.size())
                                + " blob(s): " + describe(*m));
  co_return place(ctx, client, *m);
}

} // namespace hive
