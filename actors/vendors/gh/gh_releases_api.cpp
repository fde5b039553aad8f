#include "net/asio.hpp"

#include "actors/vendors/gh/gh_releases_api.hpp"

#include "actors/vendors/gh/gh_refusals.hpp"
#include "actors/vendors/gh/gh_release_json.hpp"
#include "messages/errc.hpp"
#include "net/url.hpp"

#include <algorithm>
#include <fnmatch.h>

namespace hive::gh {

namespace {

namespace asio = boost::asio;

/// A failed request: the transport's error, or the GitHub's refusal.
caf::error refusal(const net::http_answer& answer, const std::string& what) {
  return net::to_error(net::refusal_error(answer, what, explain_github_refusal));
}

std::string names(const std::vector<const release_asset*>& assets) {
  std::string out;
  for (const auto* a : assets)
    out += (out.empty() ? "" : ", ") + a->name;
  return out;
}

} // namespace

std::string asset_url(const std::string& base, const std::string& repo, std::uint64_t id) {
  return base + "/repos/" + repo + "/releases/assets/" + std::to_string(id);
}

asio::awaitable<caf::expected<release>> get_release(const api_client& api, std::string repo,
                                                    std::string tag) {
  auto repo_url = api.base + "/repos/" + repo;
  auto target = repo_url
                + (tag == "latest" ? "/releases/latest"
                                   : "/releases/tags/" + net::percent_encode(tag, false));
  auto u = net::parse_url(target);
  if (!u)
    co_return make_error(download_errc::internal, "invalid GitHub API URL " + target);
  auto answer = co_await net::request("GET", *u, {}, api.options);
  if (answer.status == 200)
    co_return parse_release(answer.body, target);
  if (answer.status != 404)
    co_return refusal(answer, target);
  // GitHub answers 404 alike for a missing repository and a missing release.
  auto repo_answer = co_await net::request("GET", *net::parse_url(repo_url), {}, api.options);
  if (repo_answer.status == 404)
    co_return make_error(download_errc::repo_not_found,
                         "no GitHub repository " + repo
                             + " (or it is private and GITHUB_TOKEN is not set)");
  if (repo_answer.status != 200)
    co_return refusal(repo_answer, repo_url);
  if (tag == "latest")
    co_return make_error(download_errc::revision_not_found,
                         repo
                             + " has no published release (drafts and pre-releases are never "
                               "'latest'; name a tag)");
  co_return make_error(download_errc::revision_not_found,
                       repo + " has no release tagged '" + tag + "' (" + target + " answered 404)");
}

caf::expected<release_asset> pick_asset(const release& r, const std::string& repo,
                                        const std::string& pattern) {
  std::vector<const release_asset*> all, matches;
  for (const auto& a : r.assets) {
    all.push_back(&a);
    if (::fnmatch(pattern.c_str(), a.name.c_str(), 0) == 0)
      matches.push_back(&a);
  }
  auto where = "release " + r.tag + " of " + repo;
  if (matches.empty())
    return make_error(download_errc::entry_not_found,
                      where + " has no asset matching '" + pattern + "'; "
                          + (all.empty() ? "it has no assets" : "its assets: " + names(all)));
  if (matches.size() > 1)
    return make_error(download_errc::ambiguous_reference,
                      "'" + pattern + "' matches " + std::to_string(matches.size()) + " assets of "
                          + where + ": " + names(matches) + "; name one");
  return *matches.front();
}

} // namespace hive::gh
