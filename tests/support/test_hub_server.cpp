#include "net/asio.hpp"

#include "tests/support/test_hub_server.hpp"

#include "tests/support/loopback_server.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iterator>
#include <map>
#include <tuple>
#include <mutex>
#include <optional>
#include <string_view>

namespace hive::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string sha1_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha1(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    char byte[3];
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

std::string git_blob_sha1(const std::string& content) {
  return sha1_hex("blob " + std::to_string(content.size()) + '\0' + content);
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char byte = 0;
    if (text[i] == '%' && i + 2 < text.size()
        && std::from_chars(text.data() + i + 1, text.data() + i + 3, byte, 16).ptr
               == text.data() + i + 3) {
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// Removes and returns the part of `rest` up to the next '/'.
std::string_view pop_segment(std::string_view& rest) {
  auto slash = rest.find('/');
  auto segment = rest.substr(0, slash);
  rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  return segment;
}

/// The value of `key` in a query string (without '?'), "" when absent.
std::string_view query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    if (pair.size() > key.size() && pair.substr(0, key.size()) == key && pair[key.size()] == '=')
      return pair.substr(key.size() + 1);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return {};
}

using response = http::response<http::string_body>;

response error_reply(unsigned status, const char* code, const std::string& message) {
  response res{static_cast<http::status>(status), 11};
  if (*code)
    res.set("X-Error-Code", code);
  res.set(http::field::content_type, "application/json");
  res.body() = "{\"error\":" + json_string(message) + "}";
  return res;
}

/// One file of one commit.
struct entry {
  std::shared_ptr<const std::string> content;
  bool lfs = false;
  /// A hostile entry: listed as is, without parent directories.
  bool raw = false;
  std::string sha256;
  /// Of the content, or of the LFS pointer file.
  std::string git_sha1;
  std::size_t pointer_size = 0;
};

/// Path → file.
using snapshot = std::map<std::string, entry>;

struct repository {
  /// The current commit of main.
  std::string main;
  /// Names from `add_ref` → commit.
  std::map<std::string, std::string> refs;
  /// Every commit ever made, so that refs keep their files.
  std::map<std::string, snapshot> commits;

  const snapshot& head() const {
    return commits.at(main);
  }
  std::optional<std::string> commit_of(const std::string& rev) const {
    if (rev == "main")
      return main;
    if (auto i = refs.find(rev); i != refs.end())
      return i->second;
    if (commits.count(rev))
      return rev;
    return std::nullopt;
  }
};

} // namespace

struct test_hub_server::impl {
  test_file_server cdn;
  mutable std::mutex mtx;
  std::map<std::string, repository> repos;
  /// Repository → the token it wants.
  std::map<std::string, std::string> gates;
  /// Old repository name → new one.
  std::map<std::string, std::string> renames;
  /// Requests still to be answered 503 with `Retry-After: 0`.
  std::size_t unavailable = 0;
  std::size_t page_size = 1000;
  std::string cdn_query;
  /// Commits made so far, the seed of commit ids.
  std::uint64_t commits = 0;
  std::vector<std::string> seen;
  std::vector<std::string> authorizations;

  std::string endpoint() const {
    return "http://127.0.0.1:" + std::to_string(server->port());
  }

  void put(const std::string& repo, const std::string& path, std::string content, bool lfs,
           bool raw) {
    entry e;
    e.lfs = lfs;
    e.raw = raw;
    e.sha256 = sha256_hex(content);
    if (lfs) {
      auto pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + e.sha256
                     + "\nsize " + std::to_string(content.size()) + "\n";
      e.git_sha1 = git_blob_sha1(pointer);
      e.pointer_size = pointer.size();
      cdn.add_file(e.sha256, content);
    } else {
      e.git_sha1 = git_blob_sha1(content);
    }
    e.content = std::make_shared<const std::string>(std::move(content));
    std::lock_guard guard{mtx};
    auto& r = repos[repo];
    snapshot files = r.main.empty() ? snapshot{} : r.head();
    files[path] = std::move(e);
    r.main = sha1_hex("commit " + std::to_string(++commits));
    r.commits[r.main] = std::move(files);
  }

  response revision_reply(const std::string& repo, const std::string& commit,
                          const snapshot& files) const {
    std::string siblings;
    for (const auto& [path, e] : files)
      siblings += (siblings.empty() ? "" : ",") + ("{\"rfilename\":" + json_string(path) + "}");
    response res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = "{\"id\":" + json_string(repo) + ",\"sha\":\"" + commit + "\",\"siblings\":["
                 + siblings + "]}";
    return res;
  }

  response tree_reply(std::string_view path, std::string_view query, const snapshot& files) const {
    std::map<std::string, std::string> listing; // path → JSON, directories included
    for (const auto& [file, e] : files) {
      for (auto slash = file.find('/'); !e.raw && slash != std::string::npos;
           slash = file.find('/', slash + 1)) {
        auto dir = file.substr(0, slash);
        listing.emplace(dir, "{\"type\":\"directory\",\"oid\":\"" + sha1_hex("tree " + dir)
                                 + "\",\"size\":0,\"path\":" + json_string(dir) + "}");
      }
      auto size = std::to_string(e.content->size());
      auto json = "{\"type\":\"file\",\"oid\":\"" + e.git_sha1 + "\",\"size\":" + size
                  + ",\"path\":" + json_string(file);
      if (e.lfs)
        json += ",\"lfs\":{\"oid\":\"" + e.sha256 + "\",\"size\":" + size
                + ",\"pointerSize\":" + std::to_string(e.pointer_size) + "}";
      listing[file] = json + "}";
    }
    std::size_t first = 0;
    auto cursor = query_value(query, "cursor");
    std::from_chars(cursor.data(), cursor.data() + cursor.size(), first);
    auto it = listing.begin();
    std::advance(it, std::min(first, listing.size()));
    std::string page;
    for (std::size_t n = 0; n < page_size && it != listing.end(); ++n, ++it)
      page += (page.empty() ? "" : ",") + it->second;
    response res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    if (it != listing.end())
      res.set(http::field::link, "<" + endpoint() + std::string{path} + "?recursive=true&cursor="
                                     + std::to_string(first + page_size) + ">; rel=\"next\"");
    res.body() = "[" + page + "]";
    return res;
  }

  response resolve_reply(const std::string& commit, const snapshot& files,
                         const std::string& path) const {
    auto f = files.find(path);
    if (f == files.end())
      return error_reply(404, "EntryNotFound", "Entry not found");
    const entry& e = f->second;
    response res{e.lfs ? http::status::found : http::status::ok, 11};
    res.set("X-Repo-Commit", commit);
    res.set(http::field::etag, "\"" + e.git_sha1 + "\"");
    if (e.lfs) {
      res.set(http::field::location, "http://localhost:" + std::to_string(cdn.port()) + "/files/"
                                         + e.sha256 + (cdn_query.empty() ? "" : "?" + cdn_query));
      res.set("X-Linked-Etag", "\"" + e.sha256 + "\"");
      res.set("X-Linked-Size", std::to_string(e.content->size()));
    } else {
      res.set(http::field::content_type, "application/octet-stream");
      res.body() = *e.content;
    }
    return res;
  }

  /// The whole answer to `req`, decided under the lock.
  response answer(const http::request<http::string_body>& req) {
    std::string_view target = req.target();
    auto q = target.find('?');
    auto path = target.substr(0, q);
    auto query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    bool api = path.rfind("/api/models/", 0) == 0;
    std::string_view prefix = api ? "/api/models/" : "/";
    auto rest = path.substr(prefix.size());
    auto org = pop_segment(rest);
    auto name = pop_segment(rest);
    auto kind = pop_segment(rest);
    auto rev = percent_decode(pop_segment(rest));
    auto repo = percent_decode(org) + "/" + percent_decode(name);

    std::lock_guard guard{mtx};
    seen.push_back(std::string{req.method_string()} + " " + std::string{target});
    authorizations.emplace_back(req[http::field::authorization]);
    if (unavailable > 0) {
      --unavailable;
      auto res = error_reply(503, "", "Service unavailable");
      res.set(http::field::retry_after, "0");
      return res;
    }
    if (auto renamed = renames.find(repo); renamed != renames.end()) {
      auto tail = path.substr(std::min(prefix.size() + org.size() + 1 + name.size(), path.size()));
      response res{http::status::temporary_redirect, 11};
      res.set(http::field::location, std::string{prefix} + renamed->second + std::string{tail}
                                         + (query.empty() ? "" : "?" + std::string{query}));
      return res;
    }
    if (auto gated = gates.find(repo);
        gated != gates.end() && req[http::field::authorization] != "Bearer " + gated->second)
      return error_reply(401, "GatedRepo", "Access to model " + repo + " is restricted");
    auto r = repos.find(repo);
    if (r == repos.end())
      return error_reply(404, "RepoNotFound", "Repository not found");
    auto commit = r->second.commit_of(rev);
    if (!commit)
      return error_reply(404, "RevisionNotFound", "Invalid rev id: " + rev);
    const snapshot& files = r->second.commits.at(*commit);
    if (api && kind == "revision")
      return revision_reply(repo, *commit, files);
    if (api && kind == "tree")
      return tree_reply(path, query, files);
    if (!api && kind == "resolve")
      return resolve_reply(*commit, files, percent_decode(rest));
    return error_reply(404, "", "Not found");
  }

  /// Serves requests on one connection for as long as the client keeps it alive.
  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream{std::move(socket)};
    beast::flat_buffer buffer;
    for (bool alive = true; alive;) {
      http::request<http::string_body> req;
      stream.expires_after(std::chrono::seconds{30});
      if (auto [ec, n] = co_await http::async_read(stream, buffer, req, use_tuple); ec)
        co_return;
      auto res = answer(req);
      alive = req.keep_alive();
      res.keep_alive(alive);
      res.prepare_payload();
      http::response_serializer<http::string_body> sr{res};
      beast::error_code ec;
      std::size_t n = 0;
      if (req.method() == http::verb::head) // Content-Length as for GET, no body
        std::tie(ec, n) = co_await http::async_write_header(stream, sr, use_tuple);
      else
        std::tie(ec, n) = co_await http::async_write(stream, sr, use_tuple);
      alive = alive && !ec;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  // Last: it stops before the state its sessions use goes.
  std::optional<loopback_server> server;
};

test_hub_server::test_hub_server() : impl_(std::make_unique<impl>()) {
  impl_->server.emplace(
      [impl = impl_.get()](tcp::socket s) { return impl->session(std::move(s)); });
}

test_hub_server::~test_hub_server() {
  impl_->server.reset();
}

std::size_t test_hub_server::connections_accepted() const {
  return impl_->server->accepted();
}

void test_hub_server::add_file(const std::string& repo, const std::string& path,
                               std::string content, bool lfs) {
  impl_->put(repo, path, std::move(content), lfs, false);
}

void test_hub_server::add_ref(const std::string& repo, const std::string& name) {
  std::lock_guard guard{impl_->mtx};
  auto& r = impl_->repos.at(repo);
  r.refs[name] = r.main;
}

void test_hub_server::add_hostile_entry(const std::string& repo, const std::string& path) {
  impl_->put(repo, path, "bad", true, true);
}

void test_hub_server::refuse_next(std::size_t n) {
  std::lock_guard guard{impl_->mtx};
  impl_->unavailable = n;
}

void test_hub_server::gate(const std::string& repo, const std::string& token) {
  std::lock_guard guard{impl_->mtx};
  impl_->gates[repo] = token;
}

void test_hub_server::rename(const std::string& old_repo, const std::string& new_repo) {
  std::lock_guard guard{impl_->mtx};
  impl_->renames[old_repo] = new_repo;
}

void test_hub_server::set_page_size(std::size_t n) {
  std::lock_guard guard{impl_->mtx};
  impl_->page_size = n;
}

void test_hub_server::set_cdn_query(const std::string& query) {
  std::lock_guard guard{impl_->mtx};
  impl_->cdn_query = query;
}

void test_hub_server::corrupt(const std::string& repo, const std::string& path) {
  std::lock_guard guard{impl_->mtx};
  auto& r = impl_->repos.at(repo);
  entry& e = r.commits.at(r.main).at(path);
  auto bytes = *e.content;
  for (auto& c : bytes)
    c = static_cast<char>(~c);
  if (e.lfs)
    impl_->cdn.add_file(e.sha256, std::move(bytes));
  else
    e.content = std::make_shared<const std::string>(std::move(bytes));
}

std::string test_hub_server::commit(const std::string& repo) const {
  std::lock_guard guard{impl_->mtx};
  return impl_->repos.at(repo).main;
}

std::string test_hub_server::sha256(const std::string& repo, const std::string& path) const {
  std::lock_guard guard{impl_->mtx};
  return impl_->repos.at(repo).head().at(path).sha256;
}

std::string test_hub_server::git_sha1(const std::string& repo, const std::string& path) const {
  std::lock_guard guard{impl_->mtx};
  return impl_->repos.at(repo).head().at(path).git_sha1;
}

std::string test_hub_server::endpoint() const {
  return impl_->endpoint();
}

std::vector<std::string> test_hub_server::requests() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->seen;
}

std::vector<std::string> test_hub_server::authorizations() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->authorizations;
}

test_file_server& test_hub_server::cdn() {
  return impl_->cdn;
}

} // namespace hive::test
