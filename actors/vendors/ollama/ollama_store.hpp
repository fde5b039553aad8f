#pragma once

// Ollama's model store, laid out as `ollama` itself keeps it, so that it can
// use what was pulled: `<root>/blobs/sha256-<hex>` (content-addressed) and
// `<root>/manifests/<host>/<namespace>/<model>/<tag>` (the manifest as the
// registry sent it; a model exists once its manifest does).

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace hive::ollama {

/// The host a model's manifest is filed under when its reference names none.
inline constexpr const char* default_host = "registry.ollama.ai";

class store {
public:
  explicit store(std::filesystem::path root) : root_(std::move(root)) {
  }

  std::filesystem::path blob(const std::string& sha256) const;
  /// Where a blob's bytes gather while they arrive (Ollama's `-partial`).
  std::filesystem::path partial(const std::string& sha256) const;
  /// `repo` is `namespace/model`.
  std::filesystem::path manifest(const std::string& host, const std::string& repo,
                                 const std::string& tag) const;

private:
  std::filesystem::path root_;
};

/// Forgets models: removes the manifests among `paths` (and their folders
/// left empty), then the blobs among `paths` that no manifest of their store
/// still names (manifests `ollama` pulled itself count too). Other paths are
/// left alone. Returns how many files it removed.
std::size_t release_files(const std::vector<std::filesystem::path>& paths, std::error_code& ec);

/// `$OLLAMA_MODELS` when set, else `fallback`.
std::filesystem::path root_from_environment(const std::filesystem::path& fallback);

} // namespace hive::ollama
