#pragma once

// An Ollama model's manifest (a schema-2 OCI manifest with Ollama's media
// types) and the bearer-token challenge a registry may answer with: what the
// registry sends, read without any I/O.

#include <caf/expected.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hive::ollama {

/// One blob a manifest names: its config or one of its layers.
struct blob_ref {
  std::string media_type;
  /// The sha256 of its content, lower-case hex.
  std::string sha256;
  std::uint64_t size = 0;
  /// What it is to a person: `model`, `template`, `params`, `license`, ... or `config`.
  std::string role;
};

struct manifest {
  /// Exactly as the registry sent it: what Ollama keeps on disk.
  std::string raw;
  /// The config first, then the layers in order.
  std::vector<blob_ref> blobs;
  /// The bearer token the registry granted for this repository, empty if it
  /// asked for none; its blobs need it too.
  std::string token;
};

/// A layer's role: `application/vnd.ollama.image.model` -> `model`, the
/// media type's last dotted word (without `+suffix`).
std::string role_of(std::string_view media_type);

/// Checks and reads a schema-2 manifest; `what` names it in errors.
caf::expected<manifest> parse_manifest(std::string raw, const std::string& what);

/// `WWW-Authenticate: Bearer realm="...",service="...",scope="..."`.
struct bearer_challenge {
  std::string realm;
  std::string service;
  std::string scope;
};

std::optional<bearer_challenge> parse_challenge(std::string_view header);

} // namespace hive::ollama
