#include "actors/vendors/ollama/ollama_store.hpp"

#include "net/host/file_system.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>

namespace hive::ollama {

namespace fs = std::filesystem;

namespace {

/// The store a manifest belongs to: `<root>/manifests/<host>/<ns>/<model>/<tag>`.
std::optional<fs::path> root_of_manifest(const fs::path& path) {
  auto dir = path.parent_path().parent_path().parent_path().parent_path();
  if (dir.filename() != "manifests")
    return std::nullopt;
  return dir.parent_path();
}

/// The store a blob belongs to: `<root>/blobs/sha256-<hex>`.
std::optional<fs::path> root_of_blob(const fs::path& path) {
  if (path.parent_path().filename() != "blobs" || !path.filename().string().starts_with("sha256-"))
    return std::nullopt;
  return path.parent_path().parent_path();
}

/// Every `sha256:<hex>` a manifest of `root` names, as blob file names.
std::set<std::string> named_blobs(const fs::path& root) {
  std::set<std::string> named;
  std::error_code ec;
  for (fs::recursive_directory_iterator it{root / "manifests", ec}, end; !ec && it != end;
       it.increment(ec)) {
    if (!it->is_regular_file(ec))
      continue;
    std::ifstream in{it->path(), std::ios::binary};
    std::string text{std::istreambuf_iterator<char>{in}, {}};
    for (auto at = text.find("sha256:"); at != std::string::npos; at = text.find("sha256:", at + 7))
      named.insert("sha256-" + text.substr(at + 7, 64));
  }
  return named;
}

} // namespace

fs::path store::blob(const std::string& sha256) const {
  return root_ / "blobs" / ("sha256-" + sha256);
}

fs::path store::partial(const std::string& sha256) const {
  auto path = blob(sha256);
  path += "-partial";
  return path;
}

fs::path store::manifest(const std::string& host, const std::string& repo,
                         const std::string& tag) const {
  return root_ / "manifests" / host / repo / tag;
}

std::size_t release_files(const std::vector<fs::path>& paths, std::error_code& ec) {
  std::size_t removed = 0;
  std::map<fs::path, std::vector<fs::path>> blobs; // store -> its blobs among `paths`
  for (const auto& path : paths) {
    if (auto root = root_of_manifest(path)) {
      if (fs::remove(path, ec))
        ++removed;
      net::remove_empty_up_to(path.parent_path(), *root / "manifests");
    } else if (auto blob_root = root_of_blob(path)) {
      blobs[*blob_root].push_back(path);
    }
  }
  for (const auto& [root, own] : blobs) {
    auto named = named_blobs(root);
    for (const auto& blob : own)
      if (!named.contains(blob.filename().string()) && fs::remove(blob, ec))
        ++removed;
  }
  return removed;
}

fs::path root_from_environment(const fs::path& fallback) {
  if (const char* models = std::getenv("OLLAMA_MODELS"); models && *models)
    return models;
  return fallback;
}

} // namespace hive::ollama
