#pragma once

#include "net/http_request.hpp"

#include <boost/asio/awaitable.hpp>
#include <caf/expected.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hive::hf {

/// Where and how to ask a Hugging Face Hub (or a mirror) about a repository.
struct hub_client {
  /// `https://huggingface.co`, without a trailing slash.
  std::string endpoint;
  /// Token, trust, proxies, timeouts and retries of every request.
  net::request_options options;
};

/// A commit of a repository and the files it holds.
struct revision_info {
  std::string commit;
  std::vector<std::string> files;
};

/// One file of a tree listing, its path exactly as the Hub sent it.
struct tree_file {
  std::string path;
  std::uint64_t size = 0;
  /// Git's blob id (sha1), the ETag of a file not in LFS.
  std::string git_oid;
  /// sha256 of an LFS file, its ETag; empty for plain git files.
  std::string lfs_sha256;
};

/// What `HEAD .../resolve/<rev>/<path>` says about a file.
struct file_head {
  std::string commit;
  /// sha256 for LFS files, git's sha1 for the others; quotes and `W/` removed.
  std::string etag;
  std::uint64_t size = 0;
  /// Where the bytes are: the CDN's signed URL, or the resolve URL itself.
  std::string location;
};

/// `{endpoint}/{repo}/resolve/{revision}/{path}`, encoded as huggingface_hub does.
std::string resolve_url(const std::string& endpoint, const std::string& repo,
                        const std::string& revision, const std::string& path);

/// `GET /api/models/{repo}/revision/{revision}`: the commit and its file names.
boost::asio::awaitable<caf::expected<revision_info>>
get_revision(const hub_client& hub, std::string repo, std::string revision);

/// `GET /api/models/{repo}/tree/{commit}?recursive=true`, following `Link: rel="next"` pages.
boost::asio::awaitable<caf::expected<std::vector<tree_file>>>
list_tree(const hub_client& hub, std::string repo, std::string commit);

/// `HEAD` of a file's resolve URL, following relative redirects only.
boost::asio::awaitable<caf::expected<file_head>> head_file(const hub_client& hub, std::string repo,
                                                           std::string revision, std::string path);

/// Strips `W/` and the quotes from an ETag.
std::string normalize_etag(std::string_view etag);

} // namespace hive::hf
