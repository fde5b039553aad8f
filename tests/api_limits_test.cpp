// What one client can make the daemon hold is bounded: queued jobs, and each
// job's journal, through the real API over loopback.

#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_file_server.hpp"

#include "net/api/job_journal.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <charconv>

using namespace hive;
using namespace hive::test;

namespace {

class ApiLimitsTest : public runtime_fixture {
protected:
  /// POSTs a job on a fresh connection and returns the raw answer, headers included.
  std::string raw_post_job(const std::string& body) {
    namespace asio = boost::asio;
    asio::io_context ioc;
    asio::ip::tcp::socket socket{ioc};
    asio::ip::tcp::resolver resolver{ioc};
    auto port = std::to_string(runtime->port());
    asio::connect(socket, resolver.resolve("127.0.0.1", port));
    auto request = "POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1:" + port
                   + "\r\nContent-Type: application/json\r\nConnection: close\r\n"
                     "Content-Length: "
                   + std::to_string(body.size()) + "\r\n\r\n" + body;
    boost::system::error_code ec;
    asio::write(socket, asio::buffer(request), ec);
    std::string answer;
    asio::read(socket, asio::dynamic_buffer(answer), ec);
    return answer;
  }

  /// A download that runs for a minute unless cancelled.
  std::string slow_model(const std::string& name) {
    files.add_file(name, make_test_bytes(1024 * 1024));
    return "url:" + files.base_url() + "/files/" + name + "?rate=16000";
  }

  test_file_server files;
};

} // namespace

TEST_F(ApiLimitsTest, AJobBeyondTheQueueIsRefusedWith429AndRetryAfter) {
  auto settings = default_settings();
  settings.jobs.max_concurrent = 1;
  settings.jobs.max_queued = 2;
  restart(settings);
  std::vector<std::string> jobs;
  for (auto name : {"a.gguf", "b.gguf", "c.gguf"})
    jobs.push_back(start_download(slow_model(name)));

  auto answer = raw_post_job(R"({"operation":"model_download","model":")" + slow_model("d.gguf")
                             + "\"}");
  EXPECT_EQ(answer.rfind("HTTP/1.1 429", 0), 0u) << answer;
  EXPECT_NE(answer.find("\r\nRetry-After: 30\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"({"error":{"code":"too_many_jobs","message":")"), std::string::npos)
      << answer;
  EXPECT_EQ(post_job(R"({"operation":"model_list"})").status, 201u)
      << "catalog operations do not queue";

  EXPECT_EQ(call("DELETE", "/v1/jobs/" + jobs[1]).status, 200u);
  EXPECT_EQ(post_job(R"({"operation":"model_download","model":")" + slow_model("d.gguf") + "\"}")
                .status,
            201u)
      << "a freed place in the queue is taken again";
}

TEST_F(ApiLimitsTest, TheProductionJournalKeepsAJobsNarrationWithinItsBudget) {
  // Heartbeats every millisecond write narration fast; the runtime's own
  // journal budget (not one set by this test) must bound it.
  auto settings = default_settings();
  settings.jobs.heartbeat_interval = std::chrono::milliseconds{1};
  restart(settings);
  auto job = start_download(slow_model("beating.gguf"));
  constexpr std::uint64_t enough = 2 * job_journal::default_narration_budget / 256;
  net::read_sse(base + "/v1/jobs/" + job + "/stream", [&](const net::sse_event& e) {
    std::uint64_t id = 0;
    std::from_chars(e.id.data(), e.id.data() + e.id.size(), id);
    return id < enough && e.name != "end";
  });
  EXPECT_EQ(call("DELETE", "/v1/jobs/" + job).status, 200u);

  auto log = follow(job);
  ASSERT_EQ(log.final_data(), "[CANCELLED]") << log.error;
  std::size_t narration = 0;
  for (const auto& e : log.named("narration"))
    narration += e.data.size();
  EXPECT_LE(narration, job_journal::default_narration_budget);
  ASSERT_FALSE(log.events.empty());
  EXPECT_NE(log.events.front().data.find(R"("action":"dropped")"), std::string::npos)
      << log.events.front().data;
}
