// Event streams cannot exhaust the server: history goes out in slices, a
// client that stops reading is dropped, and streams leave room for short requests.

#include "net/api/job_board.hpp"
#include "net/api/jobs_api.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/rbee_line_client.hpp"

#include <boost/asio/executor_work_guard.hpp>

#include <gtest/gtest.h>

#include <thread>

using namespace hive;
using namespace hive::test;
namespace asio = boost::asio;

namespace {

using namespace std::chrono_literals;

/// The jobs API on a real loopback server, over a board the test fills itself.
class EventStreamLimitsTest : public ::testing::Test {
protected:
  void start(net::server_limits limits, std::chrono::milliseconds keepalive = 15s) {
    net::jobs_api_context ctx;
    ctx.board = board;
    ctx.keepalive_interval = keepalive;
    server = std::make_unique<net::http_server>(
        ioc, asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0},
        net::make_jobs_api(ctx), limits);
    thread = std::thread{[this] { ioc.run(); }};
  }

  void TearDown() override {
    server->stop();
    work.reset();
    ioc.stop();
    thread.join();
    server.reset();
  }

  std::shared_ptr<job_journal> add_job(const std::string& id) {
    job_summary summary;
    summary.job_id = id;
    auto journal = std::make_shared<job_journal>(summary);
    board->add(journal);
    return journal;
  }

  /// Polls `done` until it holds or `limit` passes; returns whether it held.
  template <class Done>
  static bool eventually(Done done, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }

  std::string health() {
    return raw_exchange(server->port(),
                        "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  }

  std::shared_ptr<job_board> board = std::make_shared<job_board>();
  /// The test's own connections, driven from the test's thread.
  asio::io_context ioc_for_clients;
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
  std::unique_ptr<net::http_server> server;
  std::thread thread;
};

/// The sizes of the chunks of a chunked body that follows the header.
std::vector<std::size_t> chunk_sizes(const std::string& answer, std::string& body) {
  std::vector<std::size_t> sizes;
  auto at = answer.find("\r\n\r\n") + 4;
  for (;;) {
    auto eol = answer.find("\r\n", at);
    if (eol == std::string::npos)
      break;
    auto size = std::stoul(answer.substr(at, eol - at), nullptr, 16);
    if (size == 0)
      break;
    sizes.push_back(size);
    body += answer.substr(eol + 2, size);
    at = eol + 2 + size + 2;
  }
  return sizes;
}

} // namespace

TEST_F(EventStreamLimitsTest, HistoryGoesOutInBoundedSlices) {
  start({});
  auto journal = add_job("long");
  const int events = 2000;
  for (int i = 0; i < events; ++i)
    journal->append("narration", R"({"human":")" + std::string(300, 'x') + "\"}");
  journal->finish(job_phase::completed, {}, {}, "[DONE]", 0);
  auto answer = raw_exchange(server->port(), "GET /v1/jobs/long/stream HTTP/1.1\r\nHost: "
                                             "127.0.0.1\r\n\r\n");
  ASSERT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer.substr(0, 200);
  std::string body;
  auto sizes = chunk_sizes(answer, body);
  std::size_t largest = *std::max_element(sizes.begin(), sizes.end());
  EXPECT_GT(body.size(), 600'000u);
  // About 64 KiB of history per write (plus the SSE framing), never all of it.
  EXPECT_LE(largest, 80u * 1024) << sizes.size() << " chunks";
  std::size_t narrations = 0;
  for (auto at = body.find("event: narration"); at != std::string::npos;
       at = body.find("event: narration", at + 1))
    ++narrations;
  EXPECT_EQ(narrations, static_cast<std::size_t>(events));
  EXPECT_NE(body.find("id: 2001\nevent: end\ndata: [DONE]\n\n"), std::string::npos);
}

TEST_F(EventStreamLimitsTest, AClientThatStopsReadingIsDroppedWithinTheWriteTimeout) {
  net::server_limits limits;
  limits.write_timeout = 300ms;
  start(limits);
  auto journal = add_job("busy");
  // A small receive window: the server's writes block as soon as its own
  // send buffer is full.
  auto reader = open_get(ioc_for_clients, server->port(), "/v1/jobs/busy/stream", 5s, 4096);
  ASSERT_EQ(reader.status(), 200u) << reader.head;
  ASSERT_EQ(server->open_streams(), 1u);
  // The job goes on narrating; the client reads nothing more.
  const std::string line = R"({"human":")" + std::string(64 * 1024, 'y') + "\"}";
  auto started = std::chrono::steady_clock::now();
  bool dropped = eventually(
      [&] {
        journal->append("narration", line);
        return server->open_streams() == 0;
      },
      10s);
  EXPECT_TRUE(dropped);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_TRUE(eventually([&] { return server->open_connections() == 0; }, 2s));
  EXPECT_NE(health().find(R"({"status":"ok"})"), std::string::npos);
}

TEST_F(EventStreamLimitsTest, StreamsAndConnectionsOverTheirCapsGet503AndShortRequestsStillAnswer) {
  auto limits = net::server_limits::for_connections(32);
  ASSERT_EQ(limits.max_streams, 16u);
  start(limits);
  add_job("live")->append("narration", R"({"human":"working"})");
  std::vector<held_connection> streams;
  for (int i = 0; i < 16; ++i) {
    streams.push_back(open_get(ioc_for_clients, server->port(), "/v1/jobs/live/stream"));
    ASSERT_EQ(streams.back().status(), 200u) << i << ": " << streams.back().head;
  }
  auto over = open_get(ioc_for_clients, server->port(), "/v1/jobs/live/stream");
  ASSERT_EQ(over.status(), 503u) << over.head;
  EXPECT_NE(over.read_to_end().find(R"({"error":{"code":"too_many_connections")"),
            std::string::npos)
      << over.rest;
  // The reserve: short requests still get through while the streams are full.
  EXPECT_NE(health().find(R"({"status":"ok"})"), std::string::npos);

  // Fill the reserve with idle connections: the next one is refused at once.
  std::vector<asio::ip::tcp::socket> idle;
  for (int i = 0; i < 16; ++i) {
    idle.emplace_back(ioc_for_clients);
    idle.back().connect({asio::ip::make_address("127.0.0.1"), server->port()});
  }
  ASSERT_TRUE(eventually([&] { return server->open_connections() == 32; }, 5s))
      << server->open_connections();
  auto asked = std::chrono::steady_clock::now();
  auto refused = health();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 1s);
  EXPECT_EQ(refused.rfind("HTTP/1.1 503", 0), 0u) << refused;
  EXPECT_NE(refused.find(R"({"error":{"code":"too_many_connections")"), std::string::npos)
      << refused;
  EXPECT_EQ(server->open_connections(), 32u);
  idle.clear();
  ASSERT_TRUE(eventually([&] { return server->open_connections() == 16; }, 5s));
  EXPECT_NE(health().find(R"({"status":"ok"})"), std::string::npos);
}

TEST_F(EventStreamLimitsTest, TextStreamKeepAlivesAreBlankLinesThatRbeeSkips) {
  start({}, 50ms);
  auto journal = add_job("quiet");
  journal->append("narration", R"({"human":"waiting for a slot"})");
  rbee_transcript text;
  std::thread reader{
      [&] { text = read_like_rbee(server->port(), "/v1/jobs/quiet/stream?format=text"); }};
  std::this_thread::sleep_for(500ms); // ten keep-alive intervals of a quiet job
  journal->finish(job_phase::completed, {}, {}, "[DONE]", 0);
  reader.join();
  EXPECT_EQ(text.printed, (std::vector<std::string>{"waiting for a slot", "[DONE]"}));
  EXPECT_EQ(text.raw.find(": keep-alive"), std::string::npos);
  // Blank lines beyond the one that closes each frame: the keep-alives.
  EXPECT_NE(text.raw.find("\n\n\n"), std::string::npos) << text.raw;
}
