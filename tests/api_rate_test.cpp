// Rate caps through the real API, over loopback: the node's and a job's cap
// hold (a lower bound on time only), events carry them, and a running job's
// cap changes with PATCH.

#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_file_server.hpp"

#include <chrono>

using namespace hive;
using namespace hive::test;
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

class ApiRateTest : public runtime_fixture {
protected:
  /// A progress event's unsigned field.
  static std::uint64_t number(const net::sse_event& e, const char* key) {
    simdjson::dom::parser parser;
    std::uint64_t value = 0;
    EXPECT_EQ(parse_json(parser, e.data)[key].get(value), simdjson::SUCCESS) << e.data;
    return value;
  }

  /// The progress events of a file under way (some bytes, not all).
  static std::vector<net::sse_event> midway(const stream_log& log) {
    std::vector<net::sse_event> out;
    for (const auto& e : log.named("progress"))
      if (auto bytes = number(e, "bytes"); bytes > 0 && bytes < number(e, "total"))
        out.push_back(e);
    return out;
  }

  static std::string patch_body(const std::string& rate) {
    return R"({"max_rate":)" + rate + "}";
  }

  test_file_server files;
};

} // namespace

TEST_F(ApiRateTest, AJobsCapHoldsAndEventsCarryItWithTheConnectionCount) {
  auto settings = default_settings();
  settings.jobs.max_rate->set(4 * 1024 * 1024); // the node's, above the job's
  restart(settings);
  files.add_file("capped.gguf", make_test_bytes(1024 * 1024, 41));
  auto since = steady::now();
  auto job = start_download_with(R"("model":"url:)" + files.base_url()
                                 + R"(/files/capped.gguf","max_rate":"1M",)");
  auto log = follow(job);
  ASSERT_EQ(log.final_data(), "[DONE]") << log.error;
  // 1 MiB at 1 MiB/s, less the burst and the first read (a tenth of a second each).
  EXPECT_GE(steady::now() - since, milliseconds{750});
  auto under_way = midway(log);
  ASSERT_FALSE(under_way.empty());
  for (const auto& e : under_way) {
    EXPECT_EQ(number(e, "max_rate"), 1024u * 1024) << e.data;
    EXPECT_EQ(number(e, "connections"), 1u) << e.data;
  }
  EXPECT_EQ(number(log.named("progress").back(), "connections"), 0u) << "nothing under way";
}

TEST_F(ApiRateTest, APatchChangesACapMidTransferAndTheNodesCapStillBinds) {
  auto settings = default_settings();
  settings.jobs.max_rate->set(32 * 1024 * 1024);
  restart(settings);
  files.add_file("slow.gguf", make_test_bytes(2 * 1024 * 1024, 42));
  auto job = start_download_with(R"("model":"url:)" + files.base_url()
                                 + R"(/files/slow.gguf","max_rate":"256K",)");
  wait_for_bytes(job);
  auto changed = call("PATCH", "/v1/jobs/" + job, patch_body(R"("64M")"));
  ASSERT_EQ(changed.status, 200u) << changed.body;
  EXPECT_EQ(changed.body,
            R"({"job_id":")" + job + R"(","max_rate":67108864,"effective_max_rate":33554432})");
  auto log = follow(job);
  ASSERT_EQ(log.final_data(), "[DONE]") << log.error;
  auto under_way = midway(log);
  ASSERT_FALSE(under_way.empty());
  EXPECT_EQ(number(under_way.front(), "max_rate"), 256u * 1024);
  EXPECT_EQ(number(log.named("progress").back(), "max_rate"), 32u * 1024 * 1024)
      << "a later event shows the new cap, which the node's now binds";
  auto told = false;
  for (const auto& e : log.named("narration"))
    told = told || e.data.find("rate cap of this job set to 67.1 MB/s") != std::string::npos;
  EXPECT_TRUE(told);
}

TEST_F(ApiRateTest, APatchAnswersEachBadRequestClearly) {
  auto expect_error = [](const net::http_reply& reply, unsigned status, const std::string& code) {
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_NE(reply.body.find(R"({"error":{"code":")" + code + "\""), std::string::npos)
        << reply.body;
  };
  expect_error(call("PATCH", "/v1/jobs/job-nope", patch_body("1000")), 404, "not_found");

  files.add_file("held.gguf", make_test_bytes(1024 * 1024, 43));
  auto job = start_download("url:" + files.base_url() + "/files/held.gguf?rate=200000");
  wait_for_bytes(job);
  auto path = "/v1/jobs/" + job;
  expect_error(call("PATCH", path, "{}"), 400, "missing_field");
  expect_error(call("PATCH", path, patch_body(R"("quick")")), 400, "invalid_field");
  expect_error(call("PATCH", path, patch_body("-5")), 400, "invalid_field");
  expect_error(call("PATCH", path, "max_rate=5"), 400, "invalid_json");
  expect_error(call("PATCH", path + "/stream", patch_body("1000")), 405, "method_not_allowed");
  auto removed = call("PATCH", path, patch_body("null"));
  EXPECT_EQ(removed.status, 200u) << removed.body;
  EXPECT_EQ(removed.body, R"({"job_id":")" + job + R"(","max_rate":0,"effective_max_rate":0})");

  ASSERT_EQ(call("POST", path + "/cancel").status, 200u);
  expect_error(call("PATCH", path, patch_body("1000")), 409, "job_finished");
}
