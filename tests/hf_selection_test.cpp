#include "actors/vendors/hf/hf_selection.hpp"
#include "messages/errc.hpp"

#include <gtest/gtest.h>

using namespace hive;

namespace {

const std::vector<std::string> repo_files{"README.md",
                                          "config.json",
                                          "tiny.Q4_K_M.gguf",
                                          "tiny.Q4_K_S.gguf",
                                          "tiny.Q4_K.gguf",
                                          "sub/tiny-q8_0.gguf",
                                          "big-Q5_K_M-00001-of-00002.gguf",
                                          "notes-Q4_K_M.txt",
                                          "big-Q5_K_M-00002-of-00002.gguf"};

TEST(HfSelectionTest, ATagMatchesAWholeWordCaseInsensitively) {
  EXPECT_EQ(*hf::select_quant(repo_files, "Q4_K_M"), std::vector<std::string>{"tiny.Q4_K_M.gguf"});
  EXPECT_EQ(*hf::select_quant(repo_files, "q4_k"), std::vector<std::string>{"tiny.Q4_K.gguf"});
  EXPECT_EQ(*hf::select_quant(repo_files, "Q8_0"), std::vector<std::string>{"sub/tiny-q8_0.gguf"});
}

TEST(HfSelectionTest, ASplitModelIsOneChoice) {
  auto parts = hf::select_quant(repo_files, "Q5_K_M");
  ASSERT_TRUE(parts) << to_string(parts.error());
  EXPECT_EQ(*parts, (std::vector<std::string>{"big-Q5_K_M-00001-of-00002.gguf",
                                              "big-Q5_K_M-00002-of-00002.gguf"}));
}

TEST(HfSelectionTest, AbsentOrAmbiguousTagsListWhatTheRepositoryOffers) {
  auto absent = hf::select_quant(repo_files, "IQ2_XS");
  ASSERT_FALSE(absent);
  auto view = describe(absent.error());
  EXPECT_EQ(view.code, "entry_not_found");
  EXPECT_NE(view.message.find("tiny.Q4_K_S.gguf"), std::string::npos) << view.message;
  EXPECT_EQ(view.message.find("notes-Q4_K_M.txt"), std::string::npos) << view.message;

  auto ambiguous = hf::select_quant({"a.Q4_0.gguf", "b.Q4_0.gguf"}, "Q4_0");
  ASSERT_FALSE(ambiguous);
  EXPECT_EQ(describe(ambiguous.error()).code, "ambiguous_reference");
  EXPECT_NE(describe(ambiguous.error()).message.find("a.Q4_0.gguf, b.Q4_0.gguf"),
            std::string::npos);
}

TEST(HfSelectionTest, PatternsIncludeThenExclude) {
  EXPECT_TRUE(hf::wanted("config.json", {}, {}));
  EXPECT_TRUE(hf::wanted("sub/a.json", {"*.json"}, {}));
  EXPECT_FALSE(hf::wanted("model.bin", {"*.json", "*.safetensors"}, {}));
  EXPECT_FALSE(hf::wanted("sub/a.json", {"*.json"}, {"sub/*"}));
  EXPECT_TRUE(hf::wanted("model-00001.safetensors", {}, {"*.bin"}));
}

} // namespace
