// The real daemon's front door: its API token with the real clients, and
// room for short requests while a thousand event streams are open.

#include "net/http_client.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/test_file_server.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <sys/resource.h>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

using namespace std::chrono_literals;

class DaemonAccessTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path()
          / ("daemon-access-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
  }
  void TearDown() override {
    fs::remove_all(dir);
  }

  fs::path write_token(const std::string& token, fs::perms perms) {
    auto path = dir / "api.token";
    std::ofstream{path} << token << "\n";
    fs::permissions(path, perms);
    return path;
  }

  /// Starts a job whose source never answers, so that it stays running.
  static std::string start_hanging_job(const std::string& url, const test_file_server& files,
                                       const std::string& name) {
    auto reply = net::http_call("POST", url + "/v1/jobs",
                                R"({"operation":"model_download","model":"url:)" + files.base_url()
                                    + "/hang/" + name + R"(.gguf"})",
                                5s);
    EXPECT_EQ(reply.status, 201u) << reply.body << reply.error;
    simdjson::dom::parser parser;
    std::string_view id;
    EXPECT_EQ(parser.parse(reply.body)["job_id"].get(id), simdjson::SUCCESS) << reply.body;
    return std::string{id};
  }

  fs::path dir;
};

} // namespace

TEST_F(DaemonAccessTest, ATokenFileOthersCanReadStopsStartUp) {
  auto token = write_token("0123456789abcdef",
                           fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  // --help after the options: a daemon that accepted the file would print it and exit 0.
  auto [code, out] =
      run(std::string{PROVISIOND_PATH} + " --api-token-file " + token.string() + " --help");
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("chmod 600"), std::string::npos) << out;
}

TEST_F(DaemonAccessTest, TheClusterSecretFileGuardsBlobs) {
  auto readable = write_token("cluster-secret-0123", fs::perms::owner_read | fs::perms::owner_write
                                                         | fs::perms::others_read);
  auto [code, out] =
      run(std::string{PROVISIOND_PATH} + " --cluster-secret-file " + readable.string() + " --help");
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("--cluster-secret-file"), std::string::npos) << out;
  EXPECT_NE(out.find("chmod 600"), std::string::npos) << out;

  auto token = write_token("cluster-secret-0123", fs::perms::owner_read | fs::perms::owner_write);
  daemon_process daemon{
      {"--models-dir", (dir / "models").string(), "--cluster-secret-file", token.string()}};
  auto blob = [&](const std::string& authorization) {
    return raw_exchange(daemon.port(), "GET /v1/blobs/sha256/" + std::string(64, 'a')
                                           + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                                             "close\r\n"
                                           + authorization + "\r\n");
  };
  auto known_hive = blob("Authorization: Bearer cluster-secret-0123\r\n");
  EXPECT_TRUE(known_hive.starts_with("HTTP/1.1 404")) << known_hive;
  EXPECT_NE(known_hive.find("blob_not_found"), std::string::npos) << known_hive;
  auto stranger = blob("");
  EXPECT_TRUE(stranger.starts_with("HTTP/1.1 401")) << stranger;
}

TEST_F(DaemonAccessTest, ListeningBeyondLoopbackWithoutATokenWarns) {
  auto token = write_token("0123456789abcdef", fs::perms::owner_read | fs::perms::owner_write);
  // Long enough for a sanitized build on a busy machine to reach its listening line.
  auto start = [&](const std::string& options) {
    return run("timeout -s INT 4 " + std::string{PROVISIOND_PATH} + " --models-dir "
               + (dir / "models").string() + " " + options)
        .second;
  };
  const std::string warning = "without --api-token-file";
  auto open = start("--listen 0.0.0.0:0");
  EXPECT_NE(open.find(warning), std::string::npos) << open;
  auto guarded = start("--listen 0.0.0.0:0 --api-token-file " + token.string());
  EXPECT_NE(guarded.find("listening on"), std::string::npos) << guarded;
  EXPECT_EQ(guarded.find(warning), std::string::npos) << guarded;
  auto local = start("--listen 127.0.0.1:0");
  EXPECT_NE(local.find("listening on"), std::string::npos) << local;
  EXPECT_EQ(local.find(warning), std::string::npos) << local;
}

TEST_F(DaemonAccessTest, TheClientsSendTheTokenFromTheirFileOrEnvironment) {
  const std::string secret = "0123456789abcdef0123456789abcdef";
  auto token = write_token(secret, fs::perms::owner_read | fs::perms::owner_write);
  daemon_process daemon{
      {"--models-dir", (dir / "models").string(), "--api-token-file", token.string()}};
  const std::string provision = std::string{PROVISION_PATH} + " --server " + daemon.url();
  const std::string inspector = std::string{ACTOR_INSPECTOR_PATH} + " --server " + daemon.url();
  EXPECT_EQ(net::http_call("GET", daemon.url() + "/health").status, 200u);
  auto [refused, why] = run("env -u PROVISION_TOKEN " + provision + " jobs");
  EXPECT_EQ(refused, 1) << why;
  EXPECT_NE(why.find("unauthorized"), std::string::npos) << why;
  auto [by_env, env_out] = run("PROVISION_TOKEN=" + secret + " " + provision + " jobs");
  EXPECT_EQ(by_env, 0) << env_out;
  auto [by_file, file_out] = run(provision + " --token-file " + token.string() + " models");
  EXPECT_EQ(by_file, 0) << file_out;
  auto [inspected, tree] = run(inspector + " --token-file " + token.string() + " --json");
  EXPECT_EQ(inspected, 0) << tree;
  EXPECT_NE(tree.find("job_router"), std::string::npos) << tree;
  auto [uninspected, no_tree] = run("env -u PROVISION_TOKEN " + inspector + " --json");
  EXPECT_EQ(uninspected, 1) << no_tree;
}

TEST_F(DaemonAccessTest, AThousandStreamsLeaveRoomForHealthNewJobsAndCancels) {
  test_file_server files;
  // Started as a service usually is, with a soft limit of 1,024 open files.
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  if (saved.rlim_max < 4096)
    GTEST_SKIP() << "needs a hard open-files limit of 4,096, have " << saved.rlim_max;
  rlimit service = saved;
  service.rlim_cur = 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &service), 0);
  daemon_process daemon{{"--models-dir", (dir / "models").string(), "--stall-timeout-secs", "600",
                         "--max-connections", "1300"}};
  rlimit mine = saved;
  mine.rlim_cur = saved.rlim_max; // the test itself holds more than a thousand sockets
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &mine), 0);

  auto job = start_hanging_job(daemon.url(), files, "held");
  boost::asio::io_context ioc;
  std::vector<held_connection> streams;
  const auto target = "/v1/jobs/" + job + "/stream";
  for (int i = 0; i < 1100; ++i) {
    streams.push_back(open_get(ioc, daemon.port(), target, 5s));
    ASSERT_EQ(streams.back().status(), 200u) << "stream " << i << ": " << streams.back().head;
  }
  auto quickly = [](auto&& request) {
    auto asked = std::chrono::steady_clock::now();
    auto reply = request();
    EXPECT_LT(std::chrono::steady_clock::now() - asked, 1s);
    return reply;
  };
  EXPECT_EQ(quickly([&] { return net::http_call("GET", daemon.url() + "/health", {}, 5s); }).status,
            200u);
  auto another = quickly([&] { return start_hanging_job(daemon.url(), files, "another"); });
  auto cancelled = quickly([&] {
    return net::http_call("POST", daemon.url() + "/v1/jobs/" + another + "/cancel", {}, 5s);
  });
  EXPECT_EQ(cancelled.status, 200u) << cancelled.body;

  // 1,300 connections keep an eighth for short requests: 1,138 streams at most.
  for (int i = 1100; i < 1138; ++i) {
    streams.push_back(open_get(ioc, daemon.port(), target, 5s));
    ASSERT_EQ(streams.back().status(), 200u) << "stream " << i << ": " << streams.back().head;
  }
  auto over = open_get(ioc, daemon.port(), target, 5s);
  ASSERT_EQ(over.status(), 503u) << over.head;
  EXPECT_NE(over.read_to_end().find(R"({"error":{"code":"too_many_connections")"),
            std::string::npos)
      << over.rest;
  EXPECT_EQ(quickly([&] { return net::http_call("GET", daemon.url() + "/health", {}, 5s); }).status,
            200u);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
}
