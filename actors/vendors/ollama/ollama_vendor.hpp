#pragma once

#include "actors/vendors/vendor_base.hpp"

#include <filesystem>
#include <string>

namespace hive {

struct ollama_settings {
  /// The Ollama registry of references that name no host.
  std::string registry = "https://registry.ollama.ai";
  /// Root of Ollama's store (`blobs/`, `manifests/`), e.g. an existing
  /// `OLLAMA_MODELS`; empty for `<models_dir>/.ollama/models`.
  std::filesystem::path models;
};

/// `ollama:[scheme://][host/][namespace/]model[:tag]` (an Ollama registry,
/// parsed as Ollama does: namespace `library`, tag `latest`; a scheme needs
/// a host, and the default registry is reached over https only): `location`
/// is `scheme://host` or empty for the node's default registry, `repo` is
/// `namespace/model`, `revision` the tag. Its files live in Ollama's store.
struct ollama_vendor : vendor_base {
  static constexpr std::string_view name = "ollama";
  static constexpr std::string_view syntax = "ollama:[host/][namespace/]model[:tag]";
  using settings = ollama_settings;
  static constexpr bool shares_transfers = true;

  static caf::expected<model_ref> parse(std::string_view text, std::string_view rest);
  /// `namespace/model:tag`.
  static std::string display_name(const model_ref& ref);
  static caf::actor start(caf::event_based_actor* supervisor, const vendor_context& ctx);
  static caf::actor fetch_file(caf::event_based_actor* supervisor, const vendor_context& ctx);
  static void release(const std::vector<std::filesystem::path>& files, std::error_code& ec);
};

} // namespace hive
