#pragma once

#include "net/http_request.hpp"

#include <boost/asio/awaitable.hpp>
#include <caf/expected.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hive::gh {

/// Where and how to ask GitHub's REST API about a repository's releases.
struct api_client {
  /// `https://api.github.com` (or an Enterprise server's API), no trailing slash.
  std::string base;
  /// Token, trust, proxies, timeouts and retries of every request.
  net::request_options options;
};

/// One file attached to a release.
struct release_asset {
  std::uint64_t id = 0;
  std::string name;
  std::uint64_t size = 0;
  /// From the asset's `digest` (`sha256:<hex>`), lower-case hex; empty when
  /// GitHub gave none (older assets) or another kind of digest.
  std::string sha256;
};

/// A release and its assets.
struct release {
  std::string tag;
  /// ISO 8601, empty for a release never published.
  std::string published_at;
  std::vector<release_asset> assets;
};

/// `GET /repos/{repo}/releases/tags/{tag}`, or `/releases/latest` when `tag`
/// is `latest`. A 404 is told apart by asking for the repository itself:
/// `repo_not_found`, or `revision_not_found` for a repository without that
/// release.
boost::asio::awaitable<caf::expected<release>> get_release(const api_client& api, std::string repo,
                                                           std::string tag);

/// The one asset whose name matches `pattern` (fnmatch; a plain name matches
/// itself): `entry_not_found` listing the assets when none does,
/// `ambiguous_reference` listing the matches when several do.
caf::expected<release_asset> pick_asset(const release& r, const std::string& repo,
                                        const std::string& pattern);

/// `{base}/repos/{repo}/releases/assets/{id}`: its bytes when asked with
/// `Accept: application/octet-stream` (often by a redirect elsewhere).
std::string asset_url(const std::string& base, const std::string& repo, std::uint64_t id);

} // namespace hive::gh
