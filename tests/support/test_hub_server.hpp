#pragma once

#include "tests/support/test_file_server.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace hive::test {

/// A local stand-in for the Hugging Face Hub, for offline integration tests.
/// Plain HTTP on 127.0.0.1; LFS files are served by its own `test_file_server`
/// (the "CDN") under `/files/<sha256>`, reached through `localhost`.
///
/// Routes, answered as the Hub answers them:
/// - `GET /api/models/<org>/<name>/revision/<rev>`: `{"id","sha","siblings":[{"rfilename"}]}`.
/// - `GET /api/models/<org>/<name>/tree/<rev>?recursive=true[&cursor=C]`: every file and
///   directory, `set_page_size` entries per page, a `Link: <...>; rel="next"` while more remain.
/// - `HEAD|GET /<org>/<name>/resolve/<rev>/<path>`: an LFS file is a 302 to the CDN with
///   `X-Repo-Commit`, `X-Linked-Etag`, `X-Linked-Size`; any other file a 200 with its content
///   and `ETag: "<git sha1>"`.
/// `<rev>` is `main`, a commit, or a name from `add_ref`, URL-encoded. Failures carry
/// `X-Error-Code` (`RepoNotFound`, `RevisionNotFound`, `EntryNotFound`, `GatedRepo`) and a
/// `{"error":"..."}` body. A connection serves requests for as long as the client keeps it
/// alive.
class test_hub_server {
public:
  /// Starts on a free port, on its own thread.
  test_hub_server();
  ~test_hub_server();

  /// Adds or replaces `path` (may contain '/') in `repo` ("org/name") on main, as a new commit.
  /// An `lfs` file is served through the CDN.
  void add_file(const std::string& repo, const std::string& path, std::string content, bool lfs);
  /// A tag or branch `name` that points at the current commit of main from now on.
  void add_ref(const std::string& repo, const std::string& name);
  /// An LFS file of 3 bytes at a path no real repository has (`../../evil`, `/etc/x`),
  /// listed without parent directories; for path-traversal tests.
  void add_hostile_entry(const std::string& repo, const std::string& path);
  /// The next `n` requests, whatever they ask, get 503 with `Retry-After: 0`.
  void refuse_next(std::size_t n);
  /// Requests to `repo` without `Authorization: Bearer <token>` get 401 `GatedRepo`.
  void gate(const std::string& repo, const std::string& token);
  /// Requests to `old_repo`, on every route, get a 307 to the same path and query under
  /// `new_repo`, with a relative Location.
  void rename(const std::string& old_repo, const std::string& new_repo);
  /// Entries per page of the tree API (default 1000).
  void set_page_size(std::size_t n);
  /// Appended as the query string of every CDN redirect, e.g. "rate=200000".
  void set_cdn_query(const std::string& query);
  /// From now on the current version of `path` is served with other bytes of the same
  /// size (LFS files by the CDN, others by the hub), under the same hashes.
  void corrupt(const std::string& repo, const std::string& path);

  /// The current commit of main.
  std::string commit(const std::string& repo) const;
  std::string sha256(const std::string& repo, const std::string& path) const;
  /// The `oid` the tree lists: the git blob sha1 of the content, or for an LFS file of its
  /// pointer file (as on the Hub).
  std::string git_sha1(const std::string& repo, const std::string& path) const;
  /// `http://127.0.0.1:<port>`.
  std::string endpoint() const;
  /// "METHOD target" of every request the hub saw, in order.
  std::vector<std::string> requests() const;
  /// The Authorization header of each request, in order ("" when absent).
  std::vector<std::string> authorizations() const;
  /// TCP connections the hub accepted so far (the CDN counts its own).
  std::size_t connections_accepted() const;
  /// The CDN, whose `requests()` and `ranges()` show the download side.
  test_file_server& cdn();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace hive::test
