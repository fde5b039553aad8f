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

TEST(OperationTest, HiveIdIsBoundedAndEveryHiveIsForModelListOnly) {
  auto list = parse_operation(R"({"operation":"model_list","hive_id":"*"})");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->hive_id, "*");
  EXPECT_EQ(parse_operation(R"({"operation":"model_get","id":"m","hive_id":"gpu-2"})")->hive_id,
            "gpu-2");
  EXPECT_EQ(code_for(R"({"operation":"model_download","model":"url:http://h/a","hive_id":"*"})"),
            "invalid_field");
  EXPECT_EQ(code_for(R"({"operation":"model_delete","id":"m","hive_id":"*"})"), "invalid_field");
  EXPECT_EQ(code_for(R"({"operation":"model_list","hive_id":7})"), "invalid_field");
  auto long_id = R"({"operation":"model_list","hive_id":")" + std::string(256, 'h') + "\"}";
  auto refused = parse_operation(long_id);
  ASSERT_FALSE(refused);
  EXPECT_NE(describe(refused.error()).message.find("at most 255"), std::string::npos);
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

TEST(OperationTest, MaxRateIsBytesPerSecondAsANumberOrWithAUnit) {
  auto rate_of = [](const std::string& value) {
    auto op = parse_operation(R"({"operation":"model_download","model":"url:http://h/a.gguf",)"
                              R"("max_rate":)"
                              + value + "}");
    return op ? op->download.max_rate : std::uint64_t{1234567};
  };
  EXPECT_EQ(parse_operation(R"({"operation":"model_download","model":"url:http://h/a"})")
                ->download.max_rate,
            0u);
  EXPECT_EQ(rate_of("null"), 0u);
  EXPECT_EQ(rate_of("0"), 0u);
  EXPECT_EQ(rate_of("1000000"), 1000000u);
  EXPECT_EQ(rate_of("1e6"), 1000000u);
  EXPECT_EQ(rate_of(R"("100M")"), 100u << 20);
  EXPECT_EQ(rate_of(R"("1.5G")"), 1610612736u);
  for (const char* bad : {R"("fast")", R"("1.5X")", R"("")", "-1", "1.5", "true", "[1]",
                          R"({"r":1})", "1e30"}) {
    auto op = parse_operation(R"({"operation":"model_download","model":"url:http://h/a.gguf",)"
                              R"("max_rate":)"
                              + std::string{bad} + "}");
    ASSERT_FALSE(op) << bad;
    auto view = describe(op.error());
    EXPECT_EQ(view.code, "invalid_field") << bad;
    EXPECT_EQ(view.http_status, 400u);
    EXPECT_NE(view.message.find("'max_rate'"), std::string::npos) << view.message;
  }
}

TEST(OperationTest, AJobPatchNamesTheNewCap) {
  EXPECT_EQ(parse_job_patch(R"({"max_rate":"10M"})"), std::uint64_t{10} << 20);
  EXPECT_EQ(parse_job_patch(R"({"max_rate":0})"), 0u);
  EXPECT_EQ(parse_job_patch(R"({"max_rate":null})"), 0u) << "null removes the cap";
  auto code = [](std::string_view body) {
    auto rate = parse_job_patch(body);
    return rate ? "ok" : describe(rate.error()).code;
  };
  EXPECT_EQ(code("{}"), "missing_field");
  EXPECT_EQ(code(R"({"max_rate":"slow"})"), "invalid_field");
  EXPECT_EQ(code("not json"), "invalid_json");
  EXPECT_EQ(code("[1]"), "invalid_json");
}
