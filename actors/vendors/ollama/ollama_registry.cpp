#include "net/asio.hpp"

#include "actors/vendors/ollama/ollama_registry.hpp"

#include "messages/errc.hpp"
#include "net/host/sha256.hpp"
#include "net/url.hpp"

#include <simdjson.h>

namespace hive::ollama {

namespace {

namespace asio = boost::asio;

constexpr std::string_view manifest_type = "application/vnd.docker.distribution.manifest.v2+json";

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
