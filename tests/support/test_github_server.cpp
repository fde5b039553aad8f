#include "net/asio.hpp"

#include "tests/support/test_github_server.hpp"

#include "net/format/json_writer.hpp"
#include "tests/support/loopback_server.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <map>
#include <mutex>
#include <optional>

namespace hive::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

using response = http::response<http::string_body>;

response json_reply(http::status status, std::string body) {
  response res{status, 11};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = std::move(body);
  return res;
}

response not_found() {
  return json_reply(http::status::not_found,
                    json_object{}.field("message", "Not Found").field("status", "404").str());
}

struct asset {
  std::uint64_t id = 0;
  std::string name;
  std::string content;
  bool with_digest = true;
  std::string sha256;
};

struct release {
  std::string tag;
  std::string published_at;
  std::vector<asset> assets;
};

} // namespace

struct test_github_server::impl {
  test_file_server blob_store;
  mutable std::mutex mtx;
  /// Repository → its releases, oldest first.
  std::map<std::string, std::vector<release>> repos;
  std::uint64_t next_id = 1000;
  bool direct = false;
  std::string token;
  std::optional<std::uint64_t> rate_limit_reset;
  bool limit_downloads_only = false;
  std::string blob_query;
  std::vector<std::string> seen, authorizations, accepts;

  std::string api_url() const {
    return "http://127.0.0.1:" + std::to_string(server->port());
  }

  asset& find_asset(const std::string& repo, const std::string& tag, const std::string& name) {
    for (auto& r : repos.at(repo))
      for (auto& a : r.assets)
        if (r.tag == tag && a.name == name)
          return a;
    throw std::out_of_range("no asset " + name);
  }

  std::string asset_json(const std::string& repo, const asset& a) const {
    auto url = api_url() + "/repos/" + repo + "/releases/assets/" + std::to_string(a.id);
    json_object json;
    json.field("url", url).field("id", a.id).field("name", a.name);
    json.field("content_type", "application/octet-stream").field("size", a.content.size());
    if (a.with_digest)
      json.field("digest", "sha256:" + a.sha256);
    else
      json.raw("digest", "null");
    return json.str();
  }

  response release_reply(const std::string& repo, const release& r) const {
    json_array assets;
    for (const auto& a : r.assets)
      assets.raw(asset_json(repo, a));
    return json_reply(http::status::ok, json_object{}
                                            .field("tag_name", r.tag)
                                            .field("name", r.tag)
                                            .field("draft", false)
                                            .field("published_at", r.published_at)
                                            .raw("assets", assets.str())
                                            .str());
  }

  response asset_reply(const std::string& repo, const asset& a, std::string_view accept) const {
    if (accept != "application/octet-stream")
      return json_reply(http::status::ok, asset_json(repo, a));
    if (direct) {
      response res{http::status::ok, 11};
      res.set(http::field::content_type, "application/octet-stream");
      res.body() = a.content;
      return res;
    }
    response res{http::status::found, 11};
    res.set(http::field::location, "http://localhost:" + std::to_string(blob_store.port())
                                       + "/files/asset-" + std::to_string(a.id)
                                       + (blob_query.empty() ? "" : "?" + blob_query));
    return res;
  }

  /// The whole answer to `req`, decided under the lock.
  response answer(const http::request<http::string_body>& req) {
    std::string target{req.target()};
    std::lock_guard guard{mtx};
    seen.push_back(std::string{req.method_string()} + " " + target);
    authorizations.emplace_back(req[http::field::authorization]);
    accepts.emplace_back(req[http::field::accept]);
    bool download = target.find("/releases/assets/") != std::string::npos
                    && req[http::field::accept] == "application/octet-stream";
    if (rate_limit_reset && (download || !limit_downloads_only)) {
      auto res = json_reply(http::status::forbidden,
                            json_object{}.field("message", "API rate limit exceeded").str());
      res.set("X-RateLimit-Limit", "60");
      res.set("X-RateLimit-Remaining", "0");
      res.set("X-RateLimit-Reset", std::to_string(*rate_limit_reset));
      return res;
    }
    if (!token.empty() && req[http::field::authorization] != "Bearer " + token)
      return json_reply(http::status::unauthorized,
                        json_object{}.field("message", "Bad credentials").str());
    // /repos/<owner>/<name>[/releases/(tags/<tag>|latest|assets/<id>)]
    if (!target.starts_with("/repos/"))
      return not_found();
    auto rest = target.substr(7);
    auto owner_end = rest.find('/');
    auto name_end = owner_end == std::string::npos ? owner_end : rest.find('/', owner_end + 1);
    auto repo = rest.substr(0, name_end);
    auto route = name_end == std::string::npos ? std::string{} : rest.substr(name_end);
    auto r = repos.find(repo);
    if (r == repos.end())
      return not_found();
    if (route.empty())
      return json_reply(http::status::ok, json_object{}.field("full_name", repo).str());
    const auto& releases = r->second;
    if (route == "/releases/latest")
      return releases.empty() ? not_found() : release_reply(repo, releases.back());
    for (const auto& rel : releases) {
      if (route == "/releases/tags/" + rel.tag)
        return release_reply(repo, rel);
      for (const auto& a : rel.assets)
        if (route == "/releases/assets/" + std::to_string(a.id))
          return asset_reply(repo, a, req[http::field::accept]);
    }
    return not_found();
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream{std::move(socket)};
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    stream.expires_after(std::chrono::seconds{30});
    if (auto [ec, n] = co_await http::async_read(stream, buffer, req, use_tuple); ec)
      co_return;
    auto res = answer(req);
    res.keep_alive(false);
    res.prepare_payload();
    co_await http::async_write(stream, res, use_tuple);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  // Last: it stops before the state its sessions use goes.
  std::optional<loopback_server> server;
};

test_github_server::test_github_server() : impl_(std::make_unique<impl>()) {
  impl_->server.emplace(
      [impl = impl_.get()](tcp::socket s) { return impl->session(std::move(s)); });
}

test_github_server::~test_github_server() {
  impl_->server.reset();
}

void test_github_server::add_release(const std::string& repo, const std::string& tag) {
  std::lock_guard guard{impl_->mtx};
  auto& releases = impl_->repos[repo];
  auto day = std::to_string(10 + releases.size());
  releases.push_back({tag, "2026-01-" + day + "T12:00:00Z", {}});
}

void test_github_server::add_asset(const std::string& repo, const std::string& tag,
                                   const std::string& name, std::string content, bool with_digest) {
  std::lock_guard guard{impl_->mtx};
  for (auto& r : impl_->repos.at(repo))
    if (r.tag == tag) {
      asset a{impl_->next_id++, name, std::move(content), with_digest, {}};
      a.sha256 = sha256_hex(a.content);
      impl_->blob_store.add_file("asset-" + std::to_string(a.id), a.content);
      r.assets.push_back(std::move(a));
      return;
    }
  throw std::out_of_range("no release " + tag);
}

void test_github_server::corrupt(const std::string& repo, const std::string& tag,
                                 const std::string& name) {
  std::lock_guard guard{impl_->mtx};
  auto& a = impl_->find_asset(repo, tag, name);
  for (auto& c : a.content)
    c = static_cast<char>(~c);
  impl_->blob_store.add_file("asset-" + std::to_string(a.id), a.content);
}

void test_github_server::serve_assets_directly() {
  std::lock_guard guard{impl_->mtx};
  impl_->direct = true;
}

void test_github_server::require_token(const std::string& token) {
  std::lock_guard guard{impl_->mtx};
  impl_->token = token;
}

void test_github_server::rate_limit(std::uint64_t reset_epoch, bool downloads_only) {
  std::lock_guard guard{impl_->mtx};
  impl_->rate_limit_reset = reset_epoch;
  impl_->limit_downloads_only = downloads_only;
}

void test_github_server::set_blob_query(const std::string& query) {
  std::lock_guard guard{impl_->mtx};
  impl_->blob_query = query;
}

std::string test_github_server::api_url() const {
  return impl_->api_url();
}

std::vector<std::string> test_github_server::requests() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->seen;
}

std::vector<std::string> test_github_server::authorizations() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->authorizations;
}

std::vector<std::string> test_github_server::accepts() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->accepts;
}

test_file_server& test_github_server::blobs() {
  return impl_->blob_store;
}

} // namespace hive::test
