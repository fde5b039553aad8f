// The catalog through the real API: a download never clobbers another
// source's model, and a delete never pulls a model from under a running job.

#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_file_server.hpp"

using namespace hive;
using namespace hive::test;

namespace {

class ApiCatalogTest : public runtime_fixture {
protected:
  std::string error_field(const net::http_reply& reply, const char* key) {
    simdjson::dom::parser parser;
    std::string_view value;
    if (parse_json(parser, reply.body)["error"][key].get(value) != simdjson::SUCCESS)
      return {};
    return std::string{value};
  }

  std::string source_of(const std::string& id) {
    auto reply = get("/v1/models/" + id);
    simdjson::dom::parser parser;
    std::string_view source;
    if (reply.status != 200
        || parse_json(parser, reply.body)["source"].get(source) != simdjson::SUCCESS)
      return {};
    return std::string{source};
  }

  std::string download_body(const std::string& model, const std::string& extra = {}) {
    return R"({"operation":"model_download","model":")" + model + "\"" + extra + "}";
  }

  test_file_server files;
  test_file_server other_host;
};

} // namespace

TEST_F(ApiCatalogTest, AnotherSourceWithTheSameIdIsRefusedUnlessReplaced) {
  files.add_file("model.gguf", make_test_bytes(1000, 1));
  other_host.add_file("model.gguf", make_test_bytes(1000, 2));
  auto first = "url:" + files.base_url() + "/files/model.gguf";
  auto second = "url:" + other_host.base_url() + "/files/model.gguf";
  ASSERT_EQ(follow(start_download(first)).final_data(), "[DONE]");

  auto refused = post_job(download_body(second));
  EXPECT_EQ(refused.status, 409u) << refused.body;
  EXPECT_EQ(error_field(refused, "code"), "model_exists");
  EXPECT_NE(error_field(refused, "message").find(first), std::string::npos) << refused.body;
  EXPECT_EQ(source_of("model"), first);

  // The same source again is a re-download, as before.
  ASSERT_EQ(follow(start_download(first)).final_data(), "[DONE]");

  auto replaced = post_job(download_body(second, R"(,"replace":true)"));
  ASSERT_EQ(replaced.status, 201u) << replaced.body;
  simdjson::dom::parser parser;
  std::string job{std::string_view{parse_json(parser, replaced.body)["job_id"]}};
  ASSERT_EQ(follow(job).final_data(), "[DONE]");
  EXPECT_EQ(source_of("model"), second);
}

TEST_F(ApiCatalogTest, ADeleteDuringARedownloadIsRefusedNamingTheJob) {
  files.add_file("big.gguf", make_test_bytes(1024 * 1024));
  files.add_file("small.gguf", make_test_bytes(1000));
  auto big = "url:" + files.base_url() + "/files/big.gguf";
  ASSERT_EQ(follow(start_download(big)).final_data(), "[DONE]");
  ASSERT_EQ(follow(start_download("url:" + files.base_url() + "/files/small.gguf")).final_data(),
            "[DONE]");

  auto job = start_download(big + "?rate=32000"); // a re-download, throttled
  wait_for_bytes(job);
  auto refused = call("DELETE", "/v1/models/big");
  EXPECT_EQ(refused.status, 409u) << refused.body;
  EXPECT_EQ(error_field(refused, "code"), "model_in_use");
  EXPECT_EQ(error_field(refused, "job_id"), job);
  EXPECT_NE(error_field(refused, "message").find(job), std::string::npos) << refused.body;
  auto as_operation = post_job(R"({"operation":"model_delete","id":"big"})");
  EXPECT_EQ(as_operation.status, 409u) << as_operation.body;
  EXPECT_EQ(error_field(as_operation, "job_id"), job);
  EXPECT_EQ(get("/v1/models/big").status, 200u);
  EXPECT_NE(get("/v1/jobs/" + job).body.find(R"("state":"running")"), std::string::npos);

  // Models no job uses are deleted as before, even while the job runs.
  EXPECT_EQ(call("DELETE", "/v1/models/small").status, 200u);

  EXPECT_EQ(call("DELETE", "/v1/jobs/" + job).status, 200u);
  EXPECT_EQ(call("DELETE", "/v1/models/big").status, 200u);
  EXPECT_EQ(get("/v1/models/big").status, 404u);
}
