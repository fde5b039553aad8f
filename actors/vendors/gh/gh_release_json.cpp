#include "actors/vendors/gh/gh_release_json.hpp"

#include "messages/errc.hpp"
#include "net/host/sha256.hpp"

#include <simdjson.h>

namespace hive::gh {

namespace {

caf::error not_github(const std::string& what, const std::string& why) {
  return make_error(download_errc::http_status,
                    what + " " + why + " (is GITHUB_API_URL GitHub's REST API?)");
}

} // namespace

caf::expected<release> parse_release(std::string_view body, const std::string& what) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array assets;
  std::string_view tag;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS
      || doc["tag_name"].get(tag) != simdjson::SUCCESS
      || doc["assets"].get(assets) != simdjson::SUCCESS)
    return not_github(what, "did not answer a release with 'tag_name' and 'assets'");
  release out;
  out.tag = tag;
  std::string_view text;
  if (doc["published_at"].get(text) == simdjson::SUCCESS) // null for a draft
    out.published_at = text;
  for (auto entry : assets) {
    release_asset a;
    std::string_view name;
    if (entry["id"].get(a.id) != simdjson::SUCCESS || entry["name"].get(name) != simdjson::SUCCESS
        || entry["size"].get(a.size) != simdjson::SUCCESS)
      return not_github(what, "listed an asset without id, name or size");
    a.name = name;
    if (entry["digest"].get(text) == simdjson::SUCCESS) // absent or null on older assets
      a.sha256 = net::sha256_of_digest(text);
    out.assets.push_back(std::move(a));
  }
  return out;
}

} // namespace hive::gh
