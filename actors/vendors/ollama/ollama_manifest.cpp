#include "actors/vendors/ollama/ollama_manifest.hpp"

#include "messages/errc.hpp"
#include "net/host/sha256.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

namespace hive::ollama {

namespace {

caf::error not_a_manifest(const std::string& what, const std::string& why) {
  return make_error(download_errc::http_status, what + " is not an Ollama model manifest: " + why);
}

caf::expected<blob_ref> read_blob(simdjson::dom::element entry, const std::string& what) {
  std::string_view media_type, digest;
  std::uint64_t size = 0;
  if (entry["mediaType"].get(media_type) != simdjson::SUCCESS
      || entry["digest"].get(digest) != simdjson::SUCCESS
      || entry["size"].get(size) != simdjson::SUCCESS)
    return not_a_manifest(what, "a blob without mediaType, digest or size");
  auto hex = net::sha256_of_digest(digest);
  if (hex.empty())
    return not_a_manifest(what, "digest '" + std::string{digest} + "' is not sha256:<64 hex>");
  return blob_ref{std::string{media_type}, std::move(hex), size, role_of(media_type)};
}

} // namespace

std::string role_of(std::string_view media_type) {
  auto dot = media_type.rfind('.');
  auto word = dot == std::string_view::npos ? media_type : media_type.substr(dot + 1);
  return word.empty() ? std::string{"layer"} : std::string{word.substr(0, word.find('+'))};
}

caf::expected<manifest> parse_manifest(std::string raw, const std::string& what) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(raw).get(doc) != simdjson::SUCCESS)
    return not_a_manifest(what, "not JSON");
  std::int64_t schema = 0;
  simdjson::dom::array layers;
  simdjson::dom::element config;
  if (doc["schemaVersion"].get(schema) != simdjson::SUCCESS || schema != 2)
    return not_a_manifest(what, "schemaVersion is not 2");
  if (doc["config"].get(config) != simdjson::SUCCESS
      || doc["layers"].get(layers) != simdjson::SUCCESS)
    return not_a_manifest(what, "no config or no layers");
  manifest out;
  auto config_blob = read_blob(config, what);
  if (!config_blob)
    return std::move(config_blob.error());
  config_blob->role = "config";
  out.blobs.push_back(std::move(*config_blob));
  for (auto entry : layers) {
    auto blob = read_blob(entry, what);
    if (!blob)
      return std::move(blob.error());
    out.blobs.push_back(std::move(*blob));
  }
  out.raw = std::move(raw);
  return out;
}

std::optional<bearer_challenge> parse_challenge(std::string_view header) {
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() < scheme.size()
      || !std::equal(scheme.begin(), scheme.end(), header.begin(),
                     [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
    return std::nullopt;
  header.remove_prefix(scheme.size());
  bearer_challenge out;
  while (!header.empty()) { // key="value" pairs; values may hold commas
    auto start = header.find_first_not_of(", ");
    auto eq = header.find("=\"", start);
    if (start == std::string_view::npos || eq == std::string_view::npos)
      break;
    auto key = header.substr(start, eq - start);
    auto close = header.find('"', eq + 2);
    if (close == std::string_view::npos)
      return std::nullopt;
    auto value = std::string{header.substr(eq + 2, close - eq - 2)};
    if (key == "realm")
      out.realm = std::move(value);
    else if (key == "service")
      out.service = std::move(value);
    else if (key == "scope")
      out.scope = std::move(value);
    header.remove_prefix(close + 1);
  }
  if (out.realm.empty())
    return std::nullopt;
  return out;
}

} // namespace hive::ollama
