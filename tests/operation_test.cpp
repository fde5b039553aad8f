#include "messages/errc.hpp"
#include "messages/operation.hpp"

#include <gtest/gtest.h>

using namespace hive;

namespace {

std::string code_for(const std::string& body) {
  auto op = parse_operation(body);
  return op ? "ok" : describe(op.error()).code;
}

} // namespace

TEST(OperationTest, ParsesADownload) {
  auto op = parse_operation(R"({"operation":"model_download","hive_id":"localhost",)"
                            R"("model":"url:http://h/a.gguf","sha256":")"
                            + std::string(64, 'A') + R"("})");
  ASSERT_TRUE(op);
  EXPECT_EQ(op->op, operation::kind::model_download);
  EXPECT_EQ(op->download.model, "url:http://h/a.gguf");
  EXPECT_EQ(op->download.sha256, std::string(64, 'a')); // normalised to lower case
  EXPECT_EQ(op->download.hive_id, "localhost");
}

TEST(OperationTest, ParsesCatalogOperations) {
  EXPECT_EQ(parse_operation(R"({"operation":"model_list"})")->op, operation::kind::model_list);
  auto get = parse_operation(R"({"operation":"model_get","id":"m"})");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->model_id, "m");
  EXPECT_EQ(parse_operation(R"({"operation":"model_delete","id":"m"})")->op,
            operation::kind::model_delete);
}

TEST(OperationTest, EachBadInputHasItsOwnCode) {
  EXPECT_EQ(code_for("{"), "invalid_json");
  EXPECT_EQ(code_for(""), "invalid_json");
  EXPECT_EQ(code_for("[1,2]"), "invalid_json");
  EXPECT_EQ(code_for(R"({"model":"x"})"), "missing_field");
  EXPECT_EQ(code_for(R"({"operation":42})"), "invalid_field");
  EXPECT_EQ(code_for(R"({"operation":"model_explode"})"), "unknown_operation");
  EXPECT_EQ(code_for(R"({"operation":"model_download"})"), "missing_field");
  EXPECT_EQ(code_for(R"({"operation":"model_download","model":""})"), "missing_field");
  EXPECT_EQ(code_for(R"({"operation":"model_download","model":7})"), "invalid_field");
  EXPECT_EQ(code_for(R"({"operation":"model_download","model":"url:http://h/a","sha256":"xyz"})"),
            "invalid_field");
  EXPECT_EQ(code_for(R"({"operation":"model_get"})"), "missing_field");
}
