#pragma once

// The Ollama registry protocol (the OCI distribution API with Ollama's media
// types): fetching a model's manifest (read in ollama_manifest.hpp) and its blobs.

#include "actors/vendors/ollama/ollama_manifest.hpp"
#include "net/http_request.hpp"

#include <caf/expected.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>

namespace hive::ollama {

/// A registry (`scheme://host[:port]`) and how to ask it.
struct registry_client {
  std::string base;
  net::request_options options;
};

/// The blob's URL: `{base}/v2/{repo}/blobs/sha256:{hex}`.
std::string blob_url(const registry_client& client, const std::string& repo,
                     const std::string& sha256);

/// GETs `repo:tag`'s manifest and checks it against the digest the registry
/// names. A Bearer challenge is answered once: a token from its realm, then
/// the same request again.
boost::asio::awaitable<caf::expected<manifest>> get_manifest(registry_client client,
                                                             std::string repo, std::string tag);

} // namespace hive::ollama
