// The local Hugging Face Hub stand-in answers the way the Hub tests rely on.

#include "tests/support/test_hub_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>

using namespace hive::test;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

using response = http::response<http::string_body>;

/// One request on a fresh connection to 127.0.0.1 at the port of `base_url`; the answer
/// with its headers, which `net::http_call` does not show.
response call(const std::string& base_url, http::verb method, const std::string& target,
              const std::string& authorization) {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  auto port = static_cast<unsigned short>(std::stoi(base_url.substr(base_url.rfind(':') + 1)));
  stream.connect(asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!authorization.empty())
    req.set(http::field::authorization, authorization);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(method == http::verb::head);
  http::read(stream, buffer, parser);
  return parser.release();
}

/// `git hash-object` of "hello\n".
constexpr auto hello_sha1 = "ce013625030ba8dba906f756967f9e9ca394464a";

class TestHubServer : public ::testing::Test {
protected:
  void SetUp() override {
    hub.add_file("org/model", "a.txt", "hello\n", false);
    hub.add_file("org/model", "sub/w.bin", weights, true);
  }

  response get(const std::string& target) {
    return call(hub.endpoint(), http::verb::get, target, "");
  }

  const std::string weights = make_test_bytes(5000);
  test_hub_server hub;
  simdjson::dom::parser json;
};

TEST_F(TestHubServer, RevisionNamesTheCommitAndItsFiles) {
  hub.add_ref("org/model", "v1");
  auto v1 = hub.commit("org/model");
  hub.add_file("org/model", "b.txt", "later", false);
  auto res = get("/api/models/org/model/revision/main");
  ASSERT_EQ(res.result_int(), 200);
  auto doc = json.parse(res.body());
  EXPECT_EQ(std::string_view{doc["id"]}, "org/model");
  EXPECT_EQ(std::string_view{doc["sha"]}, hub.commit("org/model"));
  std::vector<std::string> names;
  for (auto sibling : doc["siblings"])
    names.emplace_back(std::string_view{sibling["rfilename"]});
  EXPECT_EQ(names, (std::vector<std::string>{"a.txt", "b.txt", "sub/w.bin"}));
  // A ref keeps naming its commit, and that commit its files.
  res = get("/api/models/org/model/revision/v1");
  ASSERT_EQ(res.result_int(), 200);
  doc = json.parse(res.body());
  EXPECT_EQ(std::string_view{doc["sha"]}, v1);
  EXPECT_EQ(doc["siblings"].get_array().size(), 2u);
  EXPECT_EQ(get("/api/models/org/model/revision/" + v1).result_int(), 200);
}

TEST_F(TestHubServer, TreeListsEveryEntryAcrossPages) {
  hub.add_hostile_entry("org/model", "../../evil");
  hub.set_page_size(1);
  std::map<std::string, std::string> entries; // path → JSON
  int pages = 0;
  for (std::string target = "/api/models/org/model/tree/main?recursive=true"; !target.empty();) {
    auto res = get(target);
    ASSERT_EQ(res.result_int(), 200);
    ++pages;
    for (auto entry : json.parse(res.body()).get_array())
      entries[std::string{std::string_view{entry["path"]}}] = simdjson::minify(entry);
    std::string link{res[http::field::link]};
    target.clear();
    if (!link.empty()) {
      auto next = hub.endpoint() + "/api/models/org/model/tree/main?recursive=true&cursor=";
      ASSERT_EQ(link.rfind("<" + next, 0), 0u) << link;
      ASSERT_EQ(link.substr(link.find('>')), ">; rel=\"next\"");
      target = link.substr(hub.endpoint().size() + 1, link.find('>') - hub.endpoint().size() - 1);
    }
  }
  EXPECT_EQ(pages, 4); // no directory entries for the hostile path
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(hub.git_sha1("org/model", "a.txt"), hello_sha1);
  EXPECT_EQ(entries["a.txt"], std::string{R"({"type":"file","oid":")"} + hello_sha1
                                  + R"(","size":6,"path":"a.txt"})");
  EXPECT_EQ(entries["sub"].rfind(R"({"type":"directory")", 0), 0u);
  EXPECT_NE(entries["sub/w.bin"].find(R"("lfs":{"oid":")" + hub.sha256("org/model", "sub/w.bin")
                                      + R"(","size":5000,)"),
            std::string::npos);
  EXPECT_NE(entries["../../evil"].find(R"("size":3)"), std::string::npos);
}

TEST_F(TestHubServer, ResolveRedirectsLfsToTheCdnAndServesSmallFiles) {
  hub.set_cdn_query("rate=1000000");
  auto sha = hub.sha256("org/model", "sub/w.bin");
  auto res = call(hub.endpoint(), http::verb::head, "/org/model/resolve/main/sub/w.bin", "");
  EXPECT_EQ(res.result_int(), 302);
  EXPECT_EQ(res[http::field::location], "http://localhost:" + std::to_string(hub.cdn().port())
                                            + "/files/" + sha + "?rate=1000000");
  EXPECT_EQ(res["X-Linked-Etag"], "\"" + sha + "\"");
  EXPECT_EQ(res["X-Linked-Size"], "5000");
  EXPECT_EQ(res["X-Repo-Commit"], hub.commit("org/model"));
  EXPECT_EQ(call(hub.cdn().base_url(), http::verb::get, "/files/" + sha, "").body(), weights);
  hub.corrupt("org/model", "sub/w.bin");
  auto corrupted = call(hub.cdn().base_url(), http::verb::get, "/files/" + sha, "").body();
  EXPECT_EQ(corrupted.size(), weights.size());
  EXPECT_NE(corrupted, weights);

  hub.add_ref("org/model", "refs/pr/1");
  res = get("/org/model/resolve/refs%2Fpr%2F1/a.txt");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "hello\n");
  EXPECT_EQ(res[http::field::etag], std::string{"\""} + hello_sha1 + "\"");
  res = call(hub.endpoint(), http::verb::head, "/org/model/resolve/main/a.txt", "");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::field::content_length], "6");
  EXPECT_EQ(res.body(), "");
}

TEST_F(TestHubServer, FailuresCarryTheHubsErrorCodes) {
  auto code = [this](const std::string& target) {
    auto res = get(target);
    return std::to_string(res.result_int()) + " " + std::string{res["X-Error-Code"]};
  };
  EXPECT_EQ(code("/api/models/org/nope/revision/main"), "404 RepoNotFound");
  EXPECT_EQ(code("/org/nope/resolve/main/a.txt"), "404 RepoNotFound");
  EXPECT_EQ(code("/api/models/org/model/revision/v9"), "404 RevisionNotFound");
  EXPECT_EQ(code("/api/models/org/model/tree/v9?recursive=true"), "404 RevisionNotFound");
  EXPECT_EQ(code("/org/model/resolve/main/missing.txt"), "404 EntryNotFound");
  EXPECT_NE(get("/org/model/resolve/main/missing.txt").body().find("\"error\":"),
            std::string::npos);
}

TEST_F(TestHubServer, GatedRepoWantsItsToken) {
  hub.gate("org/model", "secret");
  auto target = "/api/models/org/model/revision/main";
  auto res = get(target);
  EXPECT_EQ(res.result_int(), 401);
  EXPECT_EQ(res["X-Error-Code"], "GatedRepo");
  EXPECT_EQ(call(hub.endpoint(), http::verb::head, "/org/model/resolve/main/a.txt", "Bearer wrong")
                .result_int(),
            401);
  EXPECT_EQ(call(hub.endpoint(), http::verb::get, target, "Bearer secret").result_int(), 200);
  EXPECT_EQ(hub.requests(), (std::vector<std::string>{"GET " + std::string{target},
                                                      "HEAD /org/model/resolve/main/a.txt",
                                                      "GET " + std::string{target}}));
  EXPECT_EQ(hub.authorizations(), (std::vector<std::string>{"", "Bearer wrong", "Bearer secret"}));
}

TEST_F(TestHubServer, RenamedRepoRedirectsRelatively) {
  hub.rename("old/model", "org/model");
  auto res = call(hub.endpoint(), http::verb::head, "/old/model/resolve/main/sub/w.bin", "");
  EXPECT_EQ(res.result_int(), 307);
  EXPECT_EQ(res[http::field::location], "/org/model/resolve/main/sub/w.bin");
  res = get("/api/models/old/model/tree/main?recursive=true");
  EXPECT_EQ(res.result_int(), 307);
  EXPECT_EQ(res[http::field::location], "/api/models/org/model/tree/main?recursive=true");
}

} // namespace
