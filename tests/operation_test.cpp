#include "messages/errc.hpp"
#include "net/api/operation.hpp"

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

TEST(OperationTest, RefusesOversizedReferencesPatternsAndTokens) {
  auto download = [](const std::string& fields) {
    return R"({"operation":"model_download","model":"hf:org/name",)" + fields + "}";
  };
  auto strings = [](std::size_t count, std::size_t size) {
    std::string list = "[";
    for (std::size_t i = 0; i < count; ++i)
      list += (i ? ",\"" : "\"") + std::string(size, 'a') + "\"";
    return list + "]";
  };
  auto ref = [](std::size_t size) {
    auto body = R"({"operation":"model_download","model":"url:http://h/)";
    return body + std::string(size - std::string_view{"url:http://h/"}.size(), 'a') + "\"}";
  };
  EXPECT_EQ(code_for(ref(4096)), "ok");
  EXPECT_EQ(code_for(ref(4097)), "invalid_model_ref");
  auto refused = parse_operation(ref(900 * 1024));
  ASSERT_FALSE(refused);
  EXPECT_NE(describe(refused.error()).message.find("at most 4096"), std::string::npos)
      << describe(refused.error()).message;

  EXPECT_EQ(code_for(download(R"("include":)" + strings(256, 512))), "ok");
  EXPECT_EQ(code_for(download(R"("include":)" + strings(257, 1))), "invalid_field");
  EXPECT_EQ(code_for(download(R"("exclude":)" + strings(1, 513))), "invalid_field");
  EXPECT_EQ(code_for(download(R"("exclude":")" + std::string(513, 'a') + "\"")),
            "invalid_field");

  EXPECT_EQ(code_for(download(R"("token":")" + std::string(8192, 't') + "\"")), "ok");
  EXPECT_EQ(code_for(download(R"("token":")" + std::string(8193, 't') + "\"")), "invalid_field");
  EXPECT_EQ(code_for(R"({"operation":"model_get","id":")" + std::string(4097, 'm') + "\"}"),
            "invalid_field");
}

TEST(OperationTest, ReplaceIsAnOptionalFlag) {
  auto parse = [](const std::string& extra) {
    return parse_operation(R"({"operation":"model_download","model":"url:http://h/a.gguf")"
                           + extra + "}");
  };
  EXPECT_FALSE(parse("")->download.replace);
  EXPECT_TRUE(parse(R"(,"replace":true)")->download.replace);
  EXPECT_FALSE(parse(R"(,"replace":null)")->download.replace);
  EXPECT_EQ(describe(parse(R"(,"replace":"yes")").error()).code, "invalid_field");
}
