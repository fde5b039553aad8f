#include "actors/vendors/model_ref.hpp"
#include "messages/errc.hpp"

#include <gtest/gtest.h>

using namespace hive;

TEST(ModelRefTest, ParsesUrlReferences) {
  auto ref = parse_model_ref("url:https://host/dir/tinyllama.Q4_K_M.gguf?download=true");
  ASSERT_TRUE(ref) << to_string(ref.error());
  EXPECT_EQ(ref->vendor, "url");
  EXPECT_EQ(ref->location, "https://host/dir/tinyllama.Q4_K_M.gguf?download=true");
  EXPECT_EQ(ref->file_name, "tinyllama.Q4_K_M.gguf");
  EXPECT_EQ(ref->model_id, "tinyllama.Q4_K_M");
}

TEST(ModelRefTest, AUrlWithARawUtf8FileNameNamesTheSameFile) {
  auto ref = parse_model_ref("url:https://host/dir/mod\xc3\xa8le|v1.Q4_K_M.gguf?download=true");
  ASSERT_TRUE(ref) << to_string(ref.error());
  EXPECT_EQ(ref->location, "https://host/dir/mod%C3%A8le%7Cv1.Q4_K_M.gguf?download=true");
  EXPECT_EQ(ref->file_name, "mod-le-v1.Q4_K_M.gguf"); // as when the URL was kept raw
  EXPECT_EQ(ref->model_id, "mod-le-v1.Q4_K_M");
}

TEST(ModelRefTest, RefusesBadReferencesWithAReason) {
  for (const char* bad : {"", "nocolon", ":x", "ftp:x", "url:", "url:ftp://h/x", "url:http://h/",
                          "url:http://h/%2e%2e", "url:http://h/...", "url:http://h/metadata.json",
                          "url:http://h/x.tmp"}) {
    auto ref = parse_model_ref(bad);
    ASSERT_FALSE(ref) << bad;
    auto view = describe(ref.error());
    EXPECT_EQ(view.code, "invalid_model_ref") << bad;
    EXPECT_EQ(view.http_status, 400u);
    EXPECT_NE(view.message.find("invalid model reference"), std::string::npos) << view.message;
  }
}

TEST(ModelRefTest, NamesNeverLeaveTheirFolder) {
  auto ref = parse_model_ref("url:http://h/a/..%2f..%2fetc%2fpasswd");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->file_name.find('/'), std::string::npos);
  EXPECT_NE(ref->file_name.front(), '.');
  EXPECT_TRUE(is_valid_model_id(ref->model_id)) << ref->model_id;
  EXPECT_EQ(sanitize_segment("../../x"), "x");
  EXPECT_EQ(sanitize_segment(".."), "");
  EXPECT_EQ(sanitize_segment("a b/c"), "a-b-c");
}

TEST(ModelRefTest, ValidIdsAreSingleSafeSegments) {
  EXPECT_TRUE(is_valid_model_id("tinyllama-1.1b_Q4"));
  for (const char* bad : {"", ".", "..", "../x", "a/b", "-x", ".hidden", "a%2Fb", "a b"})
    EXPECT_FALSE(is_valid_model_id(bad)) << bad;
  EXPECT_FALSE(is_valid_model_id(std::string(121, 'a')));
}

TEST(ModelRefTest, ParsesHuggingFaceFilesTagsAndSnapshots) {
  auto bare = parse_model_ref(
      "TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF:tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf");
  ASSERT_TRUE(bare) << to_string(bare.error());
  EXPECT_EQ(bare->vendor, "hf");
  EXPECT_EQ(bare->repo, "TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF");
  EXPECT_EQ(bare->revision, "main");
  EXPECT_EQ(bare->path, "tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf");
  EXPECT_EQ(bare->file_name, "tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf");
  EXPECT_EQ(bare->model_id, "tinyllama-1.1b-chat-v1.0.Q4_K_M");
  auto pinned = parse_model_ref("hf:org/repo@v1.0:sub/m.gguf");
  ASSERT_TRUE(pinned) << to_string(pinned.error());
  EXPECT_EQ(pinned->revision, "v1.0");
  EXPECT_EQ(pinned->path, "sub/m.gguf");
  EXPECT_EQ(pinned->file_name, "m.gguf");

  auto tag = parse_model_ref("TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF:Q4_K_M");
  ASSERT_TRUE(tag) << to_string(tag.error());
  EXPECT_EQ(tag->quant, "Q4_K_M");
  EXPECT_TRUE(tag->path.empty());
  EXPECT_EQ(tag->model_id, "TinyLlama-1.1B-Chat-v1.0-GGUF.Q4_K_M");
  EXPECT_EQ(tag->display_name(), "TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF:Q4_K_M");

  auto snapshot = parse_model_ref("hf:org/repo@refs/pr/1");
  ASSERT_TRUE(snapshot) << to_string(snapshot.error());
  EXPECT_EQ(snapshot->revision, "refs/pr/1");
  EXPECT_TRUE(snapshot->path.empty() && snapshot->quant.empty());
  EXPECT_EQ(snapshot->model_id, "org.repo");
}

TEST(ModelRefTest, RefusesHuggingFaceReferencesItCannotFetch) {
  for (const char* bad :
       {"hf:org", "hf:org:x.gguf", "hf:org/repo/x:y.gguf", "hf:org/repo:../x.gguf",
        "hf:org/repo:/abs.gguf", "hf:org/repo@..:x.gguf", "hf:org/repo@:x.gguf", "hf:/repo:x.gguf",
        "hf:org/repo:a//b.gguf", "hf:org/repo:", "hf:org/repo:-bad"}) {
    auto ref = parse_model_ref(bad);
    ASSERT_FALSE(ref) << bad;
    EXPECT_EQ(describe(ref.error()).code, "invalid_model_ref") << bad;
  }
}

TEST(ModelRefTest, ParsesOllamaNamesAsOllamaDoes) {
  struct expected {
    const char* text;
    const char* location;
    const char* repo;
    const char* tag;
    const char* id;
  };
  for (auto e :
       {expected{"ollama:tinyllama", "", "library/tinyllama", "latest", "tinyllama.latest"},
        expected{"ollama:jane/mistral:7b-q4", "", "jane/mistral", "7b-q4", "jane.mistral.7b-q4"},
        expected{"ollama:registry.example.com/ns/m:v1", "https://registry.example.com", "ns/m",
                 "v1", "registry.example.com.ns.m.v1"},
        expected{"ollama:http://127.0.0.1:5000/library/tiny:latest", "http://127.0.0.1:5000",
                 "library/tiny", "latest", "127.0.0.1-5000.tiny.latest"},
        // A scheme names a host, even before a bare model: never the default registry.
        expected{"ollama:http://127.0.0.1:5000/tiny", "http://127.0.0.1:5000", "library/tiny",
                 "latest", "127.0.0.1-5000.tiny.latest"},
        expected{"ollama:http://myhost/tiny", "http://myhost", "library/tiny", "latest",
                 "myhost.tiny.latest"},
        expected{"ollama:https://mirror.example/jane/m:q4", "https://mirror.example", "jane/m",
                 "q4", "mirror.example.jane.m.q4"}}) {
    auto ref = parse_model_ref(e.text);
    ASSERT_TRUE(ref) << e.text << ": " << to_string(ref.error());
    EXPECT_EQ(ref->vendor, "ollama");
    EXPECT_EQ(ref->location, e.location) << e.text;
    EXPECT_EQ(ref->repo, e.repo) << e.text;
    EXPECT_EQ(ref->revision, e.tag) << e.text;
    EXPECT_EQ(ref->model_id, e.id) << e.text;
    EXPECT_EQ(ref->display_name(), std::string{e.repo} + ":" + e.tag);
  }
}

TEST(ModelRefTest, RefusesOllamaNamesItCannotPull) {
  for (const char* bad :
       {"ollama:", "ollama:a/b/c/d", "ollama:ftp://h/a/b", "ollama:..",
        "ollama:x:", "ollama:host:99999/a/b", "ollama:h/../b", "ollama:a b", "ollama:http://tiny",
        "ollama:http://registry.ollama.ai/library/tiny", "ollama:http://h/a/b/c"}) {
    auto ref = parse_model_ref(bad);
    ASSERT_FALSE(ref) << bad;
    EXPECT_EQ(describe(ref.error()).code, "invalid_model_ref") << bad;
  }
}

TEST(ModelRefTest, ParsesLocalPathsAndBuildRecipes) {
  auto file = parse_model_ref("local:/srv/models/tiny.Q4_K_M.gguf");
  ASSERT_TRUE(file) << to_string(file.error());
  EXPECT_EQ(file->vendor, "local");
  EXPECT_EQ(file->location, "/srv/models/tiny.Q4_K_M.gguf");
  EXPECT_EQ(file->file_name, "tiny.Q4_K_M.gguf");
  EXPECT_EQ(file->model_id, "tiny.Q4_K_M");
  // A folder (this one exists everywhere) keeps its whole name.
  auto folder = parse_model_ref("local:/usr/lib/");
  ASSERT_TRUE(folder) << to_string(folder.error());
  EXPECT_EQ(folder->location, "/usr/lib");
  EXPECT_EQ(folder->file_name, "");
  EXPECT_EQ(folder->model_id, "lib");
  EXPECT_EQ(folder->display_name(), "/usr/lib");
  auto build = parse_model_ref("build:llama-q4");
  ASSERT_TRUE(build) << to_string(build.error());
  EXPECT_EQ(build->vendor, "build");
  EXPECT_EQ(build->location, "llama-q4");
  EXPECT_EQ(build->model_id, "llama-q4");
  for (const char* bad : {"local:", "local:/", "local:rel/x", "local:/a/../b", "local:/a/./b",
                          "local:/srv/metadata.json", "build:", "build:../x", "build:a/b"}) {
    auto ref = parse_model_ref(bad);
    ASSERT_FALSE(ref) << bad;
    EXPECT_EQ(describe(ref.error()).code, "invalid_model_ref") << bad;
  }
}

TEST(ModelRefTest, ParsesGithubReleaseAssets) {
  auto exact = parse_model_ref("gh:ggml-org/llama.cpp@b4567:llama-b4567-bin-ubuntu-x64.zip");
  ASSERT_TRUE(exact) << to_string(exact.error());
  EXPECT_EQ(exact->vendor, "gh");
  EXPECT_EQ(exact->repo, "ggml-org/llama.cpp");
  EXPECT_EQ(exact->revision, "b4567");
  EXPECT_EQ(exact->path, "llama-b4567-bin-ubuntu-x64.zip");
  EXPECT_EQ(exact->file_name, "llama-b4567-bin-ubuntu-x64.zip");
  EXPECT_EQ(exact->model_id, "llama-b4567-bin-ubuntu-x64");

  auto glob = parse_model_ref("gh:owner/models@release/v1.2+3:*.Q4_K_M.gguf");
  ASSERT_TRUE(glob) << to_string(glob.error());
  EXPECT_EQ(glob->revision, "release/v1.2+3");
  EXPECT_EQ(glob->path, "*.Q4_K_M.gguf");
  EXPECT_EQ(glob->file_name, "");
  EXPECT_EQ(glob->model_id, "models.release-v1.2-3");
  EXPECT_EQ(glob->display_name(), "owner/models:*.Q4_K_M.gguf");

  auto latest = parse_model_ref("gh:owner/.github:tiny.gguf");
  ASSERT_TRUE(latest) << to_string(latest.error());
  EXPECT_EQ(latest->revision, "latest");
  EXPECT_EQ(latest->repo, "owner/.github");
}

TEST(ModelRefTest, RefusesBadGithubReferencesWithAReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"gh:owner/repo@v1", "'gh:owner/repo@tag:asset-name'"},
      {"gh:owner@v1:a.gguf", "'owner/repo'"},
      {"gh:owner/re/po@v1:a.gguf", "'owner/repo'"},
      {"gh:../repo@v1:a.gguf", "'owner/repo'"},
      {"gh:owner/..@v1:a.gguf", "'owner/repo'"},
      {"gh:owner/re po@v1:a.gguf", "'owner/repo'"},
      {"gh:owner/repo@:a.gguf", "invalid release tag ''"},
      {"gh:owner/repo@v1/../x:a.gguf", "invalid release tag 'v1/../x'"},
      {"gh:owner/repo@/v1:a.gguf", "invalid release tag '/v1'"},
      {"gh:owner/repo@v1 x:a.gguf", "invalid release tag 'v1 x'"},
      {"gh:owner/repo@v1:dir/a.gguf", "invalid asset name 'dir/a.gguf'"},
      {"gh:owner/repo@v1:..", "invalid asset name '..'"},
      {"gh:owner/repo@v1:a..gguf", "invalid asset name 'a..gguf'"},
      {"gh:owner/repo@v1:.hidden", "invalid asset name '.hidden'"},
      {"gh:owner/repo@v1:", "invalid asset name ''"},
      {"gh:owner/repo@v1:a\\b", "invalid asset name 'a\\b'"},
      {"gh:owner/repo@v1:metadata.json", "reserved for the catalog"},
  };
  for (const auto& [bad, why] : cases) {
    auto ref = parse_model_ref(bad);
    ASSERT_FALSE(ref) << bad;
    auto view = describe(ref.error());
    EXPECT_EQ(view.code, "invalid_model_ref") << bad;
    EXPECT_NE(view.message.find(why), std::string::npos) << bad << ": " << view.message;
  }
}

// Found by the model_ref fuzz target: a local file whose stem has no safe
// character got its raw name (any bytes) as its catalog id.
TEST(ModelRefTest, ALocalFileNameWithoutASafeStemGetsASafeIdOrIsRefused) {
  for (const char* name : {"~.gguf", "-.gguf"}) {
    auto ref = parse_model_ref(std::string{"local:/srv/"} + name);
    ASSERT_TRUE(ref) << name;
    EXPECT_TRUE(is_valid_model_id(ref->model_id)) << ref->model_id;
    EXPECT_EQ(ref->file_name, name);
  }
  for (const char* name : {"\xb1:\xff", "~", "--"}) {
    auto ref = parse_model_ref(std::string{"local:/srv/"} + name);
    ASSERT_FALSE(ref) << name << " became " << ref->model_id;
    EXPECT_EQ(describe(ref.error()).code, "invalid_model_ref") << name;
  }
}

TEST(ModelRefTest, RefusesControlCharactersInEveryVendorsReferences) {
  using namespace std::string_literals;
  for (const auto& bad :
       {"local:/srv/x/metadata.json\0"s, "local:/srv/a\nb.gguf"s, "url:https://h/a.gguf\0"s,
        "hf:org/name:file\x1b.gguf"s, "org/name:a\x7f.gguf"s, "gh:o/r@v1:a\tb.zip"s,
        "ollama:tiny\r"s, "build:recipe\0"s}) {
    auto ref = parse_model_ref(bad);
    ASSERT_FALSE(ref) << bad;
    auto view = describe(ref.error());
    EXPECT_EQ(view.code, "invalid_model_ref") << bad;
    EXPECT_EQ(view.message, "invalid model reference: it contains control characters");
  }
}
