// Every bad input gets a clear, specific error, and nothing is lost.

#include "tests/support/raw_http.hpp"
#include "tests/support/runtime_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

using namespace hive;
using namespace hive::test;

namespace {

class ApiErrorsTest : public runtime_fixture {
protected:
  /// Checks the status and the `{"error":{"code","message"}}` shape.
  void expect_error(const net::http_reply& reply, unsigned status, const std::string& code) {
    EXPECT_EQ(reply.status, status) << reply.body << reply.error;
    simdjson::dom::parser parser;
    auto doc = parse_json(parser, reply.body);
    std::string_view got_code, message;
    ASSERT_EQ(doc["error"]["code"].get(got_code), simdjson::SUCCESS) << reply.body;
    ASSERT_EQ(doc["error"]["message"].get(message), simdjson::SUCCESS) << reply.body;
    EXPECT_EQ(got_code, code) << reply.body;
    EXPECT_FALSE(message.empty());
  }

  /// No job was created by a refused request.
  void expect_no_jobs() {
    EXPECT_EQ(get("/v1/jobs").body, R"({"jobs":[]})");
  }
};

} // namespace

TEST_F(ApiErrorsTest, RefusesBadOperations) {
  expect_error(post_job("{not json"), 400, "invalid_json");
  expect_error(post_job(R"(["model_download"])"), 400, "invalid_json");
  expect_error(post_job(R"({"operation":"model_teleport"})"), 400, "unknown_operation");
  expect_error(post_job(R"({"model":"url:http://h/a.gguf"})"), 400, "missing_field");
  expect_error(post_job(R"({"operation":"model_download"})"), 400, "missing_field");
  expect_error(post_job(R"({"operation":"model_download","model":["x"]})"), 400, "invalid_field");
  expect_error(
      post_job(R"({"operation":"model_download","model":"url:http://h/a.gguf","sha256":"12"})"),
      400, "invalid_field");
  expect_error(post_job(R"({"operation":"model_download","model":"magnet:abc"})"), 400,
               "invalid_model_ref");
  expect_error(post_job(R"({"operation":"model_download","model":"url:http://h/"})"), 400,
               "invalid_model_ref");
  expect_error(post_job(R"({"operation":"model_download","model":"url:file:///etc/passwd"})"), 400,
               "invalid_model_ref");
  expect_no_jobs();
  EXPECT_TRUE(std::filesystem::is_empty(models_dir));
}

TEST_F(ApiErrorsTest, RefusesOperationsForHivesItDoesNotKnow) {
  // This hive is in no cluster: another hive's name is unknown.
  expect_error(
      post_job(R"({"operation":"model_download","model":"url:http://h/a.gguf","hive_id":"gpu-9"})"),
      404, "unknown_hive");
  expect_error(post_job(R"({"operation":"model_delete","id":"m","hive_id":"gpu-9"})"), 400,
               "invalid_field");
  expect_error(
      post_job(R"({"operation":"model_download","model":"url:http://h/a.gguf","hive_id":"*"})"),
      400, "invalid_field");
  expect_no_jobs();
}

TEST_F(ApiErrorsTest, RefusesOversizedBodies) {
  std::string huge =
      R"({"operation":"model_list","pad":")" + std::string(2 * 1024 * 1024, 'x') + "\"}";
  expect_error(post_job(huge), 413, "payload_too_large");
  expect_no_jobs();
}

TEST_F(ApiErrorsTest, UnknownRoutesJobsAndMethods) {
  expect_error(get("/v2/jobs"), 404, "not_found");
  expect_error(get("/index.htm"), 404, "not_found");
  expect_error(get("/v1/jobs/job-nope"), 404, "not_found");
  expect_error(get("/v1/jobs/job-nope/stream"), 404, "not_found");
  expect_error(call("POST", "/v1/jobs/job-nope/cancel"), 404, "not_found");
  expect_error(call("DELETE", "/v1/jobs/job-nope"), 404, "not_found");
  expect_error(call("PUT", "/v1/jobs"), 405, "method_not_allowed");
  expect_error(call("GET", "/v1/jobs/job-nope/cancel"), 405, "method_not_allowed");
  expect_error(call("POST", "/v1/models"), 405, "method_not_allowed");
  expect_error(call("DELETE", "/v1/actors"), 405, "method_not_allowed");
}

TEST_F(ApiErrorsTest, ModelIdsAreCheckedBeforeTouchingDisk) {
  std::filesystem::create_directories(models_dir / "keep");
  expect_error(get("/v1/models/nothing-here"), 404, "not_found");
  expect_error(call("DELETE", "/v1/models/nothing-here"), 404, "not_found");
  expect_error(call("DELETE", "/v1/models/..%2Fkeep"), 400, "invalid_field");
  expect_error(call("DELETE", "/v1/models/.."), 400, "invalid_field");
  EXPECT_TRUE(std::filesystem::exists(models_dir / "keep"));
}

TEST_F(ApiErrorsTest, MalformedHttpGetsAnErrorNotACrash) {
  auto answer = raw_exchange(runtime->port(), "BLAH\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  EXPECT_NE(answer.find("\"code\":\"invalid_field\""), std::string::npos);
  auto big_header =
      raw_exchange(runtime->port(),
                   "GET /health HTTP/1.1\r\nX-Pad: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
  EXPECT_EQ(big_header.rfind("HTTP/1.1 431", 0), 0u) << big_header.substr(0, 80);
  EXPECT_EQ(get("/health").status, 200u);
}

TEST_F(ApiErrorsTest, ASlowClientDoesNotStallOthers) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket slow{ioc};
  asio::ip::tcp::resolver resolver{ioc};
  asio::connect(slow, resolver.resolve("127.0.0.1", std::to_string(runtime->port())));
  asio::write(slow, asio::buffer(std::string{"POST /v1/jobs HTTP/1.1\r\nContent-Length: 100\r\n"}));
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(get("/health").status, 200u);
}

TEST_F(ApiErrorsTest, TheActorsOfTheClusterAreAskedForWithClusterOneOnly) {
  for (const char* query : {"?cluster=2", "?cluster=", "?cluster=true", "?cluster=%zz"}) {
    auto reply = get(std::string{"/v1/actors"} + query);
    expect_error(reply, 400, "invalid_field");
    EXPECT_NE(reply.body.find("cluster"), std::string::npos) << query << ": " << reply.body;
  }
  // A hive in no cluster is a cluster of one: its own actors, none unreachable.
  auto lone = get("/v1/actors?cluster=1");
  ASSERT_EQ(lone.status, 200u) << lone.body;
  EXPECT_NE(lone.body.find(R"("name":"cluster")"), std::string::npos) << lone.body;
  EXPECT_NE(lone.body.find(R"(,"unreachable":[]})"), std::string::npos) << lone.body;
}
