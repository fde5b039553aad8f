#include "actors/vendors/hf/hf_hub_json.hpp"

#include "messages/errc.hpp"

#include <simdjson.h>

namespace hive::hf {

caf::error not_a_hub(const std::string& what, const std::string& why) {
  return make_error(download_errc::http_status,
                    what + " " + why + " (is HF_ENDPOINT a Hugging Face Hub?)");
}

caf::expected<revision_info> parse_revision(std::string_view body, const std::string& what) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view sha;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS
      || doc["sha"].get(sha) != simdjson::SUCCESS)
    return not_a_hub(what, "did not answer the commit ('sha')");
  revision_info info{std::string{sha}, {}};
  simdjson::dom::array siblings;
  if (doc["siblings"].get(siblings) == simdjson::SUCCESS)
    for (auto sibling : siblings) {
      std::string_view name;
      if (sibling["rfilename"].get(name) == simdjson::SUCCESS)
        info.files.emplace_back(name);
    }
  return info;
}

std::string next_link(std::string_view link) {
  while (!link.empty()) {
    auto comma = link.find(',');
    auto part = link.substr(0, comma);
    link.remove_prefix(comma == std::string_view::npos ? link.size() : comma + 1);
    auto open = part.find('<');
    auto close = part.find('>');
    if (open != std::string_view::npos && close != std::string_view::npos && open < close
        && part.find("rel=\"next\"", close) != std::string_view::npos)
      return std::string{part.substr(open + 1, close - open - 1)};
  }
  return {};
}

caf::error add_tree_page(std::string_view body, const std::string& what,
                         std::vector<tree_file>& out) {
  simdjson::dom::parser parser;
  simdjson::dom::array entries;
  if (parser.parse(body.data(), body.size()).get(entries) != simdjson::SUCCESS)
    return not_a_hub(what, "did not answer a JSON array");
  for (auto entry : entries) {
    std::string_view type, path, oid;
    std::uint64_t size = 0;
    if (entry["type"].get(type) != simdjson::SUCCESS
        || entry["path"].get(path) != simdjson::SUCCESS)
      return not_a_hub(what, "listed an entry without type or path");
    if (type != "file")
      continue;
    if (entry["oid"].get(oid) != simdjson::SUCCESS || entry["size"].get(size) != simdjson::SUCCESS)
      return not_a_hub(what, "listed a file without oid or size");
    tree_file file{std::string{path}, size, std::string{oid}, {}};
    std::string_view lfs_oid;
    if (entry["lfs"]["oid"].get(lfs_oid) == simdjson::SUCCESS)
      file.lfs_sha256 = lfs_oid;
    out.push_back(std::move(file));
  }
  return {};
}

} // namespace hive::hf
