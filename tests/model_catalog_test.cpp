#include "actors/catalog/model_catalog.hpp"
#include "messages/errc.hpp"
#include "net/api/model_json.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <random>

using namespace hive;
namespace fs = std::filesystem;

namespace {

class ModelCatalogTest : public ::testing::Test {
protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("catalog-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(root);
  }
  void TearDown() override {
    fs::remove_all(root);
  }
  model_record record(const std::string& id) const {
    return model_record{id,
                        id + ".gguf",
                        "url",
                        "url:http://h/" + id + ".gguf",
                        {{id + ".gguf", (root / id / (id + ".gguf")).string(), 3, "abc", ""}},
                        3,
                        1700000000000};
  }
  fs::path root;
};

} // namespace

TEST_F(ModelCatalogTest, AddsListsGetsAndRemoves) {
  model_catalog catalog{root};
  ASSERT_FALSE(catalog.add(record("m1")));
  ASSERT_FALSE(catalog.add(record("m2")));
  EXPECT_FALSE(fs::exists(root / "m1" / "metadata.json.tmp"));
  auto record = catalog.get("m1");
  ASSERT_TRUE(record);
  auto json = model_json(*record);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view{doc["id"]}, "m1");
  EXPECT_EQ(std::string_view{doc["vendor"]}, "url");
  EXPECT_EQ(std::uint64_t{doc["total_size"]}, 3u);
  EXPECT_EQ(std::string_view{doc["added_at"]}, "2023-11-14T22:13:20Z");
  EXPECT_EQ(std::string_view{doc["files"].at(0)["sha256"]}, "abc");
  simdjson::dom::array models;
  ASSERT_EQ(parser.parse(models_json(catalog.list()))["models"].get(models), simdjson::SUCCESS);
  EXPECT_EQ(models.size(), 2u);
  ASSERT_FALSE(catalog.remove("m1"));
  EXPECT_FALSE(fs::exists(root / "m1"));
  EXPECT_EQ(describe(catalog.get("m1").error()).code, "not_found");
  EXPECT_EQ(describe(catalog.remove("m1")).code, "not_found");
}

TEST_F(ModelCatalogTest, IdsCannotEscapeTheRoot) {
  model_catalog catalog{root};
  fs::create_directories(root / "victim");
  for (const char* id : {"..", "../victim", "/etc", "a/../../x", ""}) {
    EXPECT_EQ(describe(catalog.add(record(id))).code, "invalid_field") << id;
    EXPECT_EQ(describe(catalog.remove(id)).code, "invalid_field") << id;
    EXPECT_EQ(describe(catalog.get(id).error()).code, "invalid_field") << id;
  }
  EXPECT_TRUE(fs::exists(root / "victim"));
  EXPECT_TRUE(fs::exists(root));
}

TEST_F(ModelCatalogTest, SkipsUnreadableEntries) {
  model_catalog catalog{root};
  ASSERT_FALSE(catalog.add(record("good")));
  fs::create_directories(root / "broken");
  std::ofstream{root / "broken" / "metadata.json"} << "{not json";
  fs::create_directories(root / "partial-download"); // no metadata: not a model
  simdjson::dom::parser parser;
  simdjson::dom::array models;
  ASSERT_EQ(parser.parse(models_json(catalog.list()))["models"].get(models), simdjson::SUCCESS);
  EXPECT_EQ(models.size(), 1u);
}
