// Keep-alive connections reused across transfers and API calls, against a
// real server that counts the connections it accepts.

#include "net/asio.hpp"

#include "net/connection_pool.hpp"
#include "net/http_fetch.hpp"
#include "net/http_request.hpp"
#include "tests/support/test_file_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <random>
#include <set>
#include <thread>
#include <vector>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;
namespace asio = boost::asio;

namespace {

class ConnectionReuseTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("reuse-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    // Two threads, as the node runs its transfers: the pool is shared across them.
    for (int i = 0; i < 2; ++i)
      threads.emplace_back([this] { ioc.run(); });
  }
  void TearDown() override {
    work.reset();
    for (auto& t : threads)
      t.join();
    disk.join();
    fs::remove_all(dir);
  }

  /// Fetches `url` into a file of its own, through the pool; `cancel_at`
  /// cancels the transfer once that many bytes landed.
  net::fetch_outcome fetch(const std::string& url, std::uint64_t cancel_at = 0) {
    net::fetch_request req;
    req.url = url;
    req.part_path = dir / ("file-" + std::to_string(++files) + ".part");
    req.disk = &disk;
    req.connections = &pool;
    req.buffer_size = 64 * 1024;
    req.piece_size = 256 * 1024;
    req.connections_per_file = connections_per_file;
    req.expected_size = expected_size;
    req.ca_file = ca_file;
    req.retry_backoff = std::chrono::milliseconds{1};
    req.progress_interval = std::chrono::milliseconds{1};
    std::promise<net::fetch_outcome> done;
    auto cancel = std::make_shared<net::fetch_canceller>();
    std::atomic<bool> cancelled{false};
    net::fetch_observer obs;
    obs.on_retry = [this](int, std::chrono::milliseconds, const std::string&) { ++retries; };
    obs.on_progress = [&, cancel](std::uint64_t bytes, std::uint64_t, std::uint32_t,
                                  const std::vector<source_bytes>&) {
      if (cancel_at && bytes >= cancel_at && !cancelled.exchange(true))
        (*cancel)();
    };
    *cancel =
        net::start_fetch(ioc, req, obs, [&done](net::fetch_outcome out) { done.set_value(out); });
    return done.get_future().get();
  }

  net::http_answer get(const std::string& url) {
    net::request_options opts;
    opts.connections = &pool;
    return asio::co_spawn(ioc, net::request("GET", *net::parse_url(url), "", opts),
                          asio::use_future)
        .get();
  }

  unsigned connections_per_file = 1;
  std::string ca_file;
  std::uint64_t expected_size = 0;
  std::atomic<int> retries{0};
  int files = 0;
  fs::path dir;
  asio::thread_pool disk{1};
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
  /// After `ioc`: its sockets close first.
  net::connection_pool pool;
  std::vector<std::thread> threads;
};

TEST_F(ConnectionReuseTest, TwoFilesFromOneHostGoOverOneConnection) {
  test_file_server server;
  server.add_file("a", make_test_bytes(100 * 1024, 1));
  server.add_file("b", make_test_bytes(100 * 1024, 2));
  ASSERT_TRUE(fetch(server.base_url() + "/files/a").ok);
  auto out = fetch(server.base_url() + "/files/b");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, sha256_hex(make_test_bytes(100 * 1024, 2)));
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(pool.idle(), 1u);
}

TEST_F(ConnectionReuseTest, TlsConnectionsAreReusedToo) {
  test_file_server server{{tls_dir() + "/server.pem", tls_dir() + "/server.key"}};
  server.add_file("a", make_test_bytes(10 * 1024, 1));
  ca_file = tls_dir() + "/ca.pem";
  ASSERT_TRUE(fetch(server.base_url() + "/files/a").ok);
  auto out = fetch(server.base_url() + "/files/a");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(ConnectionReuseTest, AConnectionServesOnlyRequestsWithTheTrustItWasVerifiedWith) {
  test_file_server server{{tls_dir() + "/server.pem", tls_dir() + "/server.key"}};
  server.add_file("a", make_test_bytes(10 * 1024, 1));
  ca_file = tls_dir() + "/ca.pem";
  ASSERT_TRUE(fetch(server.base_url() + "/files/a").ok);
  ca_file = tls_dir() + "/other_ca.pem"; // does not vouch for the server
  auto out = fetch(server.base_url() + "/files/a");
  EXPECT_EQ(out.code, download_errc::tls_failed) << out.message;
}

TEST_F(ConnectionReuseTest, AFileFetchedInPartsLeavesItsConnectionsToTheNextFile) {
  test_file_server server;
  const auto size = 4 * 1024 * 1024;
  server.add_file("a", make_test_bytes(size, 1));
  server.add_file("b", make_test_bytes(size, 2));
  connections_per_file = 4;
  ASSERT_TRUE(fetch(server.base_url() + "/files/a?ranges=1&rate=8000000").ok);
  ASSERT_GT(server.connections_accepted(), 1u); // the file did go over several connections
  auto out = fetch(server.base_url() + "/files/b?ranges=1&rate=8000000");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, sha256_hex(make_test_bytes(size, 2)));
  // The first file's whole answer was not read (its back parts came by
  // range): that connection closed; the parts' connections served the second.
  auto targets = server.requests();
  auto carried_by = server.connections_of_requests();
  std::set<std::size_t> first_files;
  for (std::size_t i = 0; i < targets.size(); ++i)
    if (targets[i].starts_with("/files/a"))
      first_files.insert(carried_by[i]);
  std::size_t second_on_reused = 0;
  for (std::size_t i = 0; i < targets.size(); ++i)
    if (targets[i].starts_with("/files/b") && first_files.contains(carried_by[i]))
      ++second_on_reused;
  EXPECT_GT(second_on_reused, 0u) << "no request for the second file came on a first file's "
                                     "connection";
}

TEST_F(ConnectionReuseTest, AnIdleConnectionTheServerClosedIsNotUsed) {
  test_file_server server;
  server.add_file("a", make_test_bytes(10 * 1024, 1));
  ASSERT_TRUE(fetch(server.base_url() + "/files/a?hangup=1").ok);
  auto out = fetch(server.base_url() + "/files/a");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(retries, 0);
  EXPECT_EQ(server.requests().size(), 2u); // nothing was asked twice
}

TEST_F(ConnectionReuseTest, ARequestAReusedConnectionLostIsSentAgainOnAFreshOne) {
  test_file_server server;
  server.add_file("a", make_test_bytes(10 * 1024, 1));
  ASSERT_TRUE(fetch(server.base_url() + "/files/a").ok);
  auto out = fetch(server.base_url() + "/files/a?drop_reused=1");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, sha256_hex(make_test_bytes(10 * 1024, 1)));
  EXPECT_EQ(retries, 0);
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(server.requests().size(), 3u); // the dropped one, then the same on a fresh connection
}

TEST_F(ConnectionReuseTest, AnAnswerThatSaidCloseIsNeverReused) {
  test_file_server server;
  server.add_file("a", make_test_bytes(10 * 1024, 1));
  ASSERT_TRUE(fetch(server.base_url() + "/files/a?close=1").ok);
  EXPECT_EQ(pool.idle(), 0u);
  ASSERT_TRUE(fetch(server.base_url() + "/files/a").ok);
  EXPECT_EQ(server.connections_accepted(), 2u);
}

TEST_F(ConnectionReuseTest, AnAnswerNotReadToItsEndIsNeverReused) {
  test_file_server server;
  server.add_file("a", make_test_bytes(100 * 1024, 1));
  expected_size = 1; // refused at its header: the body stays unread
  auto refused = fetch(server.base_url() + "/files/a");
  EXPECT_EQ(refused.code, download_errc::size_mismatch);
  EXPECT_EQ(pool.idle(), 0u);
  expected_size = 0;
  ASSERT_TRUE(fetch(server.base_url() + "/files/a").ok);
  EXPECT_EQ(server.connections_accepted(), 2u);
}

TEST_F(ConnectionReuseTest, ACancelledTransferClosesItsConnection) {
  test_file_server server;
  server.add_file("a", make_test_bytes(2 * 1024 * 1024, 1));
  auto out = fetch(server.base_url() + "/files/a?rate=4000000", 256 * 1024);
  EXPECT_TRUE(out.cancelled);
  EXPECT_EQ(pool.idle(), 0u);
}

TEST_F(ConnectionReuseTest, ApiCallsReuseConnections) {
  test_file_server server;
  server.add_file("a", "{}");
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(get(server.base_url() + "/files/a").status, 200u);
  EXPECT_EQ(server.connections_accepted(), 1u);
  // A transfer from the same host takes the same connection.
  ASSERT_TRUE(fetch(server.base_url() + "/files/a").ok);
  EXPECT_EQ(server.connections_accepted(), 1u);
}

} // namespace
