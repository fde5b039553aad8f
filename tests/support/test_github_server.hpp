#pragma once

#include "tests/support/test_file_server.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hive::test {

/// A local stand-in for GitHub's REST API (releases), for offline integration
/// tests. Plain HTTP on 127.0.0.1; asset bytes live in its own
/// `test_file_server` (the "blob store") under `/files/asset-<id>`, reached
/// through `localhost`, another host name.
///
/// Routes, answered as GitHub answers them:
/// - `GET /repos/<owner>/<repo>`: `{"full_name"}`, or 404 `{"message":"Not Found"}`.
/// - `GET /repos/<owner>/<repo>/releases/tags/<tag>` and `.../releases/latest` (the
///   release added last): `{"tag_name","published_at","assets":[{"url","id","name","size",
///   "digest"}]}`; 404 for no such release (or repository).
/// - `GET /repos/<owner>/<repo>/releases/assets/<id>`: with `Accept: application/octet-stream`
///   a 302 to the blob store (or, after `serve_assets_directly`, a 200 with the bytes); with
///   any other Accept the asset's JSON.
/// Every connection serves one request.
class test_github_server {
public:
  /// Starts on a free port, on its own thread.
  test_github_server();
  ~test_github_server();

  /// A release of `repo` ("owner/name") tagged `tag`; the last one added is `latest`.
  void add_release(const std::string& repo, const std::string& tag);
  /// Attaches `content` to the release as `name`, with its `"digest":"sha256:<hex>"` or
  /// (without) `"digest":null`.
  void add_asset(const std::string& repo, const std::string& tag, const std::string& name,
                 std::string content, bool with_digest = true);
  /// From now on the asset's bytes are others of the same size, under the same digest.
  void corrupt(const std::string& repo, const std::string& tag, const std::string& name);
  /// The asset route answers 200 with the bytes instead of redirecting.
  void serve_assets_directly();
  /// Requests without `Authorization: Bearer <token>` get 401 "Bad credentials".
  void require_token(const std::string& token);
  /// Every request (or only asset downloads) gets 403 with `X-RateLimit-Remaining: 0` and
  /// `X-RateLimit-Reset`.
  void rate_limit(std::uint64_t reset_epoch, bool downloads_only = false);
  /// Appended as the query string of every redirect to the blob store, e.g. "rate=200000".
  void set_blob_query(const std::string& query);

  /// `http://127.0.0.1:<port>`.
  std::string api_url() const;
  /// "METHOD target" of every request, in order.
  std::vector<std::string> requests() const;
  /// The Authorization and the Accept header of each request, in order ("" when absent).
  std::vector<std::string> authorizations() const;
  std::vector<std::string> accepts() const;
  /// The blob store, whose `requests()` and `authorizations()` show the download side.
  test_file_server& blobs();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace hive::test
