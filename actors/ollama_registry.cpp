#include <utility> // Boost 1.74's awaitable.hpp needs std::exchange; harmless on 1.81.

#include "actors/ollama_registry.hpp"

#include "messages/errc.hpp"
#include "net/sha256.hpp"
#include "net/url.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

namespace hive::ollama {

namespace {

namespace asio = boost::asio;

constexpr std::string_view manifest_type = "application/vnd.docker.distribution.manifest.v2+json";

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

/// The first error code of a registry's `{"errors":[{"code":...}]}`, or "".
std::string registry_error(const std::string& body) {
  simdjson::dom::parser parser;
  std::string_view code;
  simdjson::dom::array errors;
  if (parser.parse(body)["errors"].get(errors) != simdjson::SUCCESS || errors.size() == 0
      || errors.at(0)["code"].get(code) != simdjson::SUCCESS)
    return {};
  return std::string{code};
}

caf::error refusal(const net::http_answer& answer, const std::string& repo, const std::string& tag,
                   const std::string& target) {
  if (answer.status == 0)
    return make_error(answer.code, answer.error);
  auto detail = " (" + target + " answered " + std::to_string(answer.status) + ")";
  auto code = registry_error(answer.body);
  if (code == "NAME_UNKNOWN")
    return make_error(download_errc::repo_not_found, "the registry has no model " + repo + detail);
  if (code == "MANIFEST_UNKNOWN" || answer.status == 404)
    return make_error(download_errc::revision_not_found, "the registry has no " + repo + ":" + tag
                                                             + " (no such tag, or no such model)"
                                                             + detail);
  if (answer.status == 401 || answer.status == 403)
    return make_error(download_errc::unauthorized,
                      "the registry refused access to " + repo + detail);
  return make_error(download_errc::http_status, "the registry refused " + repo + detail);
}

/// Asks the challenge's realm for a token (anonymously, as `ollama pull` of
/// a public model does).
asio::awaitable<caf::expected<std::string>> fetch_token(const registry_client& client,
                                                        const bearer_challenge& challenge) {
  auto target = challenge.realm + (challenge.realm.find('?') == std::string::npos ? "?" : "&")
                + "service=" + net::percent_encode(challenge.service, false)
                + "&scope=" + net::percent_encode(challenge.scope, false);
  auto u = net::parse_url(target);
  if (!u)
    co_return make_error(download_errc::unauthorized, "the registry's token realm '"
                                                          + challenge.realm
                                                          + "' is not an http(s) URL");
  auto options = client.options;
  options.bearer_token.clear();
  options.headers = {{"Accept", "application/json"}};
  auto answer = co_await net::request("GET", *u, {}, options);
  if (answer.status != 200)
    co_return make_error(download_errc::unauthorized,
                         "the registry's token service " + challenge.realm + " refused a token ("
                             + (answer.status ? std::to_string(answer.status) : answer.error)
                             + ")");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view token;
  if (parser.parse(answer.body).get(doc) != simdjson::SUCCESS
      || (doc["token"].get(token) != simdjson::SUCCESS
          && doc["access_token"].get(token) != simdjson::SUCCESS)
      || token.empty())
    co_return make_error(download_errc::unauthorized,
                         "the registry's token service " + challenge.realm + " gave no token");
  co_return std::string{token};
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

std::string blob_url(const registry_client& client, const std::string& repo,
                     const std::string& sha256) {
  return client.base + "/v2/" + repo + "/blobs/sha256:" + sha256;
}

asio::awaitable<caf::expected<manifest>> get_manifest(registry_client client, std::string repo,
                                                      std::string tag) {
  auto target = client.base + "/v2/" + repo + "/manifests/" + tag;
  auto u = net::parse_url(target);
  if (!u)
    co_return make_error(download_errc::internal, "invalid registry URL " + target);
  client.options.headers = {{"Accept", std::string{manifest_type}}};
  auto answer = co_await net::request("GET", *u, {}, client.options);
  if (answer.status == 401) {
    auto challenge = parse_challenge(answer.header("www-authenticate"));
    if (!challenge)
      co_return refusal(answer, repo, tag, target);
    auto token = co_await fetch_token(client, *challenge);
    if (!token)
      co_return std::move(token.error());
    client.options.bearer_token = std::move(*token);
    answer = co_await net::request("GET", *u, {}, client.options);
  }
  if (answer.status != 200)
    co_return refusal(answer, repo, tag, target);
  auto digest = answer.header("docker-content-digest");
  if (!digest.empty()) { // what the registry says the manifest is
    net::sha256_hasher hasher;
    hasher.update(answer.body.data(), answer.body.size());
    if ("sha256:" + hasher.hex_digest() != digest)
      co_return make_error(download_errc::checksum_mismatch, "the manifest of " + repo + ":" + tag
                                                                 + " does not match its digest "
                                                                 + digest);
  }
  auto parsed = parse_manifest(std::move(answer.body), target);
  if (!parsed)
    co_return std::move(parsed.error());
  parsed->token = std::move(client.options.bearer_token);
  co_return std::move(*parsed);
}

} // namespace hive::ollama
