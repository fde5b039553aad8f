#include "actors/vendors/hf/hf_cache.hpp"

#include "tests/support/test_file_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <random>
#include <thread>

using namespace hive;
namespace fs = std::filesystem;

namespace {

class HfCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device rd;
    root = fs::temp_directory_path() / ("hf-cache-" + std::to_string(rd()));
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  fs::path put_blob(const hf::repo_cache& cache, const std::string& etag) {
    auto blob = cache.blob(etag);
    fs::create_directories(blob.parent_path());
    std::ofstream{blob} << etag;
    return blob;
  }

  fs::path root;
};

TEST_F(HfCacheTest, NamesFoldersAsTheHuggingFaceToolsDo) {
  hf::repo_cache cache{root, "TheBloke/TinyLlama-GGUF"};
  EXPECT_EQ(cache.dir(), root / "models--TheBloke--TinyLlama-GGUF");
  EXPECT_EQ(cache.pointer("abc", "sub/m.gguf"),
            cache.dir() / "snapshots" / "abc" / "sub" / "m.gguf");
  ASSERT_FALSE(cache.write_ref("refs/pr/1", "abc"));
  EXPECT_EQ(test::read_file(cache.dir() / "refs" / "refs" / "pr" / "1"), "abc");
  EXPECT_FALSE(cache.write_ref("abc", "abc")); // a commit needs no ref
  EXPECT_FALSE(fs::exists(cache.dir() / "refs" / "abc"));
}

TEST_F(HfCacheTest, PointersAreRelativeLinksAndABlobGoesWithItsLastPointer) {
  hf::repo_cache cache{root, "org/name"};
  auto blob = put_blob(cache, "e1");
  auto first = cache.pointer("c1", "sub/m.gguf");
  auto second = cache.pointer("c2", "m.gguf");
  ASSERT_FALSE(hf::link_pointer(first, blob));
  ASSERT_FALSE(hf::link_pointer(second, blob));
  EXPECT_EQ(fs::read_symlink(first), fs::path{"../../../blobs/e1"});
  EXPECT_EQ(test::read_file(first), "e1");
  ASSERT_FALSE(cache.write_ref("main", "c1"));

  std::error_code ec;
  EXPECT_TRUE(hf::release_pointer(first, ec));
  EXPECT_FALSE(ec);
  EXPECT_TRUE(fs::exists(blob)); // c2 still links to it
  EXPECT_FALSE(fs::exists(cache.dir() / "snapshots" / "c1"));
  EXPECT_FALSE(fs::exists(cache.dir() / "refs" / "main")); // it named c1
  EXPECT_TRUE(hf::release_pointer(second, ec));
  EXPECT_FALSE(fs::exists(blob));
}

// Two jobs that share a blob link the same pointer when each finishes, at
// times on two threads at once: neither may fail with "File exists".
TEST_F(HfCacheTest, TwoJobsLinkingOnePointerAtOnceBothSucceed) {
  hf::repo_cache cache{root, "org/name"};
  auto blob = put_blob(cache, "e1");
  auto pointer = cache.pointer("c1", "m.gguf");
  std::atomic<int> failures{0};
  auto link_often = [&] {
    for (int i = 0; i < 2000; ++i)
      failures += hf::link_pointer(pointer, blob) ? 1 : 0;
  };
  std::thread a{link_often};
  std::thread b{link_often};
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(test::read_file(pointer), "e1");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator{pointer.parent_path()})
    ++entries;
  EXPECT_EQ(entries, 1u) << "nothing left aside";
}

TEST_F(HfCacheTest, ReleasingNeverTouchesWhatIsNotAPointerOfTheCache) {
  fs::create_directories(root / "models" / "m");
  auto plain = root / "models" / "m" / "m.gguf";
  std::ofstream{plain} << "x";
  std::error_code ec;
  EXPECT_FALSE(hf::release_pointer(plain, ec));
  EXPECT_TRUE(fs::exists(plain));
  // A link in a snapshot that points outside its repository's blobs loses
  // only the link.
  hf::repo_cache cache{root, "org/name"};
  auto pointer = cache.pointer("c1", "m.gguf");
  ASSERT_FALSE(hf::link_pointer(pointer, plain));
  EXPECT_TRUE(hf::release_pointer(pointer, ec));
  EXPECT_TRUE(fs::exists(plain));
}

TEST_F(HfCacheTest, OnlyPathsThatStayInsideASnapshotAreSafe) {
  for (const char* good : {"m.gguf", "sub/dir/m.gguf", ".gitattributes", "a..b"})
    EXPECT_TRUE(hf::is_safe_repo_path(good)) << good;
  for (const char* bad : {"", "/etc/x", "../x", "a/../../x", "a//b", "./a", "a/.", "a\\b", "a\nb"})
    EXPECT_FALSE(hf::is_safe_repo_path(bad)) << bad;
}

} // namespace
