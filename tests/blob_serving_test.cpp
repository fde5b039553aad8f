// Blobs served to other hives: `GET /v1/blobs/sha256/<hex>` with the cluster
// token, from whole files the catalog records and from files still landing.

#include "actors/catalog/model_catalog.hpp"
#include "actors/node/blob_locator.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_file_server.hpp"
#include "tests/support/test_hub_server.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* secret = "cluster-s3cret";

/// An answer read whole, the server having closed the connection.
struct answer {
  unsigned status = 0;
  std::string head;
  std::string body;

  /// The value of header `name` ("" when absent).
  std::string header(std::string_view name) const {
    auto lower = [](std::string text) {
      std::transform(text.begin(), text.end(), text.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return text;
    };
    auto text = lower(head);
    auto at = text.find("\r\n" + lower(std::string{name}) + ":");
    if (at == std::string::npos)
      return {};
    auto begin = head.find_first_not_of(' ', at + 3 + name.size());
    return head.substr(begin, head.find("\r\n", begin) - begin);
  }
};

answer split(const std::string& raw) {
  answer out;
  auto end = raw.find("\r\n\r\n");
  out.head = raw.substr(0, end);
  out.body = end == std::string::npos ? std::string{} : raw.substr(end + 4);
  if (out.head.starts_with("HTTP/1.1 "))
    out.status = static_cast<unsigned>(std::stoul(out.head.substr(9)));
  return out;
}

std::string request_text(const std::string& method, const std::string& target,
                         const std::string& headers) {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers
         + "\r\n";
}

std::string bearer(const std::string& token) {
  return "Authorization: Bearer " + token + "\r\n";
}

std::string blob_path(const std::string& sha256) {
  return "/v1/blobs/sha256/" + sha256;
}

class BlobServingTest : public runtime_fixture {
protected:
  void SetUp() override {
    runtime_fixture::SetUp();
    restart(cluster_settings());
  }

  runtime_settings cluster_settings() const {
    auto s = default_settings();
    s.access.cluster_secret = secret;
    return s;
  }

  answer fetch(const std::string& sha256, const std::string& headers = bearer(secret),
               const std::string& method = "GET") const {
    return split(raw_exchange(runtime->port(), request_text(method, blob_path(sha256), headers)));
  }

  /// Downloads `content` as a `url:` model with its digest; returns the digest.
  std::string download_url_blob(const std::string& name, const std::string& content) {
    files.add_file(name, content);
    auto sha256 = sha256_hex(content);
    auto job = start_download("url:" + files.base_url() + "/files/" + name, sha256);
    EXPECT_EQ(follow(job).final_data(), "[DONE]");
    return sha256;
  }

  /// What the job's record says of its state.
  std::string job_state(const std::string& job) const {
    simdjson::dom::parser parser;
    std::string_view state;
    auto body = get("/v1/jobs/" + job).body;
    EXPECT_EQ(parse_json(parser, body)["state"].get(state), simdjson::SUCCESS);
    return std::string{state};
  }

  test_file_server files;
};

} // namespace

TEST_F(BlobServingTest, AWholeBlobIsServedWholeAndByRange) {
  auto content = make_test_bytes(3 * 1024 * 1024 + 17, 3);
  auto sha256 = download_url_blob("a.bin", content);

  auto whole = fetch(sha256);
  ASSERT_EQ(whole.status, 200u) << whole.head << whole.body.substr(0, 200);
  EXPECT_TRUE(whole.body == content);
  EXPECT_EQ(whole.header("Content-Length"), std::to_string(content.size()));
  EXPECT_EQ(whole.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(whole.header("ETag"), "\"sha256:" + sha256 + "\"");
  EXPECT_EQ(whole.header("Content-Type"), "application/octet-stream");

  auto middle = fetch(sha256, bearer(secret) + "Range: bytes=1000-1999999\r\n");
  ASSERT_EQ(middle.status, 206u) << middle.head;
  EXPECT_EQ(middle.header("Content-Range"), "bytes 1000-1999999/" + std::to_string(content.size()));
  EXPECT_EQ(middle.header("Content-Length"), "1999000");
  EXPECT_TRUE(middle.body == content.substr(1000, 1999000));

  auto tail = fetch(sha256, bearer(secret) + "Range: bytes=3145000-\r\n");
  ASSERT_EQ(tail.status, 206u) << tail.head;
  EXPECT_TRUE(tail.body == content.substr(3145000));
  auto suffix = fetch(sha256, bearer(secret) + "Range: bytes=-100\r\n");
  ASSERT_EQ(suffix.status, 206u) << suffix.head;
  EXPECT_TRUE(suffix.body == content.substr(content.size() - 100));

  auto presence = runtime->blobs()->presence(sha256);
  EXPECT_EQ(presence.state, blob_presence::holding::complete);
  EXPECT_EQ(presence.size, content.size());
}

TEST_F(BlobServingTest, HeadAnnouncesTheBlobWithoutItsBytes) {
  auto content = make_test_bytes(100 * 1024, 4);
  auto sha256 = download_url_blob("h.bin", content);
  auto head = fetch(sha256, bearer(secret), "HEAD");
  ASSERT_EQ(head.status, 200u) << head.head;
  EXPECT_EQ(head.header("Content-Length"), std::to_string(content.size()));
  EXPECT_EQ(head.header("ETag"), "\"sha256:" + sha256 + "\"");
  EXPECT_TRUE(head.body.empty());
  auto ranged = fetch(sha256, bearer(secret) + "Range: bytes=10-19\r\n", "HEAD");
  EXPECT_EQ(ranged.status, 206u);
  EXPECT_EQ(ranged.header("Content-Length"), "10");
  EXPECT_TRUE(ranged.body.empty());
}

TEST_F(BlobServingTest, AHubBlobIsServedFromTheCache) {
  test_hub_server hub;
  constexpr const char* repo = "TheOrg/Tiny-GGUF";
  auto content = make_test_bytes(2 * 1024 * 1024, 9);
  hub.add_file(repo, "tiny.Q4_K_M.gguf", content, true);
  auto settings = cluster_settings();
  settings.jobs.vendors.of<hf_settings>().endpoint = hub.endpoint();
  restart(settings);
  ASSERT_EQ(follow(start_download(std::string{repo} + ":tiny.Q4_K_M.gguf")).final_data(), "[DONE]");

  auto sha256 = hub.sha256(repo, "tiny.Q4_K_M.gguf");
  auto whole = fetch(sha256);
  ASSERT_EQ(whole.status, 200u) << whole.body.substr(0, 200);
  EXPECT_TRUE(whole.body == content);
  auto part = fetch(sha256, bearer(secret) + "Range: bytes=65536-131071\r\n");
  ASSERT_EQ(part.status, 206u);
  EXPECT_TRUE(part.body == content.substr(65536, 65536));
}

TEST_F(BlobServingTest, RequestsWithoutTheClusterTokenAreRefused) {
  auto sha256 = download_url_blob("t.bin", make_test_bytes(4096, 5));
  for (const auto& headers :
       {std::string{}, bearer("cluster-s3creT"), bearer("cluster-s3cretX"), bearer("cluster"),
        std::string{"Authorization: Basic cluster-s3cret\r\n"}}) {
    auto refused = fetch(sha256, headers);
    EXPECT_EQ(refused.status, 401u) << headers;
    EXPECT_NE(refused.body.find(R"("code":"unauthorized")"), std::string::npos) << refused.body;
    EXPECT_EQ(refused.header("WWW-Authenticate"), "Bearer");
  }

  // With an API token too: a blob request needs the cluster token, not the API's.
  auto settings = cluster_settings();
  settings.access.api_token = "api-token";
  restart(settings);
  EXPECT_EQ(fetch(sha256).status, 200u);
  EXPECT_EQ(fetch(sha256, bearer("api-token")).status, 401u);
  // Everything else still needs the API token.
  auto jobs = split(raw_exchange(runtime->port(), request_text("GET", "/v1/jobs", bearer(secret))));
  EXPECT_EQ(jobs.status, 401u);
}

TEST_F(BlobServingTest, WithoutAClusterSecretNoBlobIsServed) {
  auto sha256 = download_url_blob("n.bin", make_test_bytes(4096, 6));
  restart(default_settings());
  auto off = fetch(sha256);
  EXPECT_EQ(off.status, 404u);
  EXPECT_NE(off.body.find(R"("code":"not_found")"), std::string::npos) << off.body;
  EXPECT_NE(off.body.find("--cluster-secret-file"), std::string::npos) << off.body;
}

TEST_F(BlobServingTest, BadDigestsAndPathsAreRefused) {
  for (const auto& bad : {std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'A'),
                          std::string(64, 'g'), std::string(63, 'a') + "%"}) {
    auto refused = fetch(bad);
    EXPECT_EQ(refused.status, 400u) << bad;
    EXPECT_NE(refused.body.find(R"("code":"invalid_field")"), std::string::npos) << refused.body;
  }
  auto other = split(
      raw_exchange(runtime->port(),
                   request_text("GET", "/v1/blobs/md5/" + std::string(32, 'a'), bearer(secret))));
  EXPECT_EQ(other.status, 404u);
  EXPECT_NE(other.body.find(R"("code":"not_found")"), std::string::npos) << other.body;
  auto post = fetch(std::string(64, 'a'), bearer(secret), "DELETE");
  EXPECT_EQ(post.status, 405u);
  EXPECT_NE(post.body.find(R"("code":"method_not_allowed")"), std::string::npos) << post.body;
}

TEST_F(BlobServingTest, AnUnknownBlobIsNotFound) {
  auto unknown = fetch(sha256_hex("nobody has this"));
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_NE(unknown.body.find(R"("code":"blob_not_found")"), std::string::npos) << unknown.body;
  EXPECT_EQ(runtime->blobs()->presence(sha256_hex("nobody has this")).state,
            blob_presence::holding::none);
}

TEST_F(BlobServingTest, BadRangesAreRefused) {
  auto content = make_test_bytes(5000, 7);
  auto sha256 = download_url_blob("r.bin", content);
  auto past = fetch(sha256, bearer(secret) + "Range: bytes=5000-\r\n");
  EXPECT_EQ(past.status, 416u);
  EXPECT_EQ(past.header("Content-Range"), "bytes */5000");
  EXPECT_NE(past.body.find(R"("code":"range_not_satisfiable")"), std::string::npos) << past.body;
  for (const char* range : {"bytes=9-2", "bytes=0-1,4-5", "lines=1-2", "bytes=x-"}) {
    auto bad = fetch(sha256, bearer(secret) + "Range: " + range + "\r\n");
    EXPECT_EQ(bad.status, 400u) << range;
    EXPECT_NE(bad.body.find(R"("code":"invalid_field")"), std::string::npos) << bad.body;
  }
}

TEST_F(BlobServingTest, ABlobStillLandingIsServedAsItLands) {
  // 24 MiB at 8 MB/s: about 3 s of landing, the sidecar recorded every 4 MiB.
  auto content = make_test_bytes(24 * 1024 * 1024, 8);
  auto sha256 = sha256_hex(content);
  files.add_file("slow.bin", content);
  auto job = start_download("url:" + files.base_url() + "/files/slow.bin?rate=8000000", sha256);
  wait_for_bytes(job);

  boost::asio::io_context ioc;
  auto whole =
      open_request(ioc, runtime->port(), request_text("GET", blob_path(sha256), bearer(secret)));
  auto tail = open_request(
      ioc, runtime->port(),
      request_text("GET", blob_path(sha256), bearer(secret) + "Range: bytes=20000000-\r\n"));
  ASSERT_EQ(whole.status(), 200u) << whole.head;
  ASSERT_EQ(tail.status(), 206u) << tail.head;
  // Both answers began while the transfer was still under way.
  EXPECT_EQ(job_state(job), "running");
  auto presence = runtime->blobs()->presence(sha256);
  EXPECT_EQ(presence.state, blob_presence::holding::fetching);
  EXPECT_EQ(presence.size, content.size());
  EXPECT_LT(presence.landed, content.size());
  EXPECT_TRUE(presence.from_origin);

  EXPECT_TRUE(whole.read_to_end() == content);
  EXPECT_TRUE(tail.read_to_end() == content.substr(20000000));
  EXPECT_EQ(follow(job).final_data(), "[DONE]");
}

TEST_F(BlobServingTest, ACancelledTransferEndsAWaitingReaderShort) {
  auto content = make_test_bytes(32 * 1024 * 1024, 10);
  auto sha256 = sha256_hex(content);
  files.add_file("cut.bin", content);
  auto job = start_download("url:" + files.base_url() + "/files/cut.bin?rate=2000000", sha256);
  wait_for_bytes(job);

  boost::asio::io_context ioc;
  auto reader =
      open_request(ioc, runtime->port(), request_text("GET", blob_path(sha256), bearer(secret)));
  ASSERT_EQ(reader.status(), 200u) << reader.head;
  EXPECT_EQ(reader.head.find("Content-Length: " + std::to_string(content.size()))
                != std::string::npos,
            true)
      << reader.head;
  auto cancel = call("POST", "/v1/jobs/" + job + "/cancel");
  ASSERT_EQ(cancel.status, 200u) << cancel.body;
  auto body = reader.read_to_end();
  EXPECT_LT(body.size(), content.size());
  EXPECT_TRUE(body == content.substr(0, body.size()));
  EXPECT_EQ(fetch(sha256).status, 404u); // the partial went with its transfer
}

TEST_F(BlobServingTest, ALinkOutOfTheModelsFolderIsNeverServed) {
  // A file outside every store, with a digest a (tampered) catalog names.
  auto outside = models_dir.parent_path() / (models_dir.filename().string() + "-outside");
  fs::create_directories(outside);
  auto secret_bytes = std::string{"the node's private key"};
  { std::ofstream{outside / "private.key"} << secret_bytes; }
  auto sha256 = sha256_hex(secret_bytes);
  fs::create_directories(models_dir / "evil");
  fs::create_symlink(outside / "private.key", models_dir / "evil" / "model.gguf");
  model_catalog catalog{models_dir};
  model_record linked{"evil",
                      "evil",
                      "url",
                      "url:http://x/model.gguf",
                      {{"model.gguf", (models_dir / "evil" / "model.gguf").string(),
                        secret_bytes.size(), sha256, ""}},
                      secret_bytes.size(),
                      0};
  ASSERT_FALSE(catalog.add(linked));
  EXPECT_EQ(fetch(sha256).status, 404u);
  model_record named{"named",
                     "named",
                     "url",
                     "url:http://x/private.key",
                     {{"private.key", (outside / "private.key").string(), secret_bytes.size(),
                       sha256, (outside / "private.key").string()}},
                     secret_bytes.size(),
                     0};
  ASSERT_FALSE(catalog.add(named));
  auto refused = fetch(sha256);
  EXPECT_EQ(refused.status, 404u);
  EXPECT_NE(refused.body.find(R"("code":"blob_not_found")"), std::string::npos) << refused.body;
  EXPECT_EQ(runtime->blobs()->presence(sha256).state, blob_presence::holding::none);

  // The same record for a file inside the models folder is served: the
  // catalog is read, only the link out is refused.
  fs::remove(models_dir / "evil" / "model.gguf");
  fs::copy_file(outside / "private.key", models_dir / "evil" / "model.gguf");
  auto served = fetch(sha256);
  EXPECT_EQ(served.status, 200u);
  EXPECT_EQ(served.body, secret_bytes);
  fs::remove_all(outside);
}
