// Atomic writes when the kernel takes less than it is given.

#include "net/host/file_system.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <sys/resource.h>

using namespace hive::net;
namespace fs = std::filesystem;

namespace {

/// Caps the size of files this process writes (RLIMIT_FSIZE) while it lives:
/// a write that crosses the cap is cut short, the next one fails with EFBIG,
/// as on a disk that fills up mid-write.
class file_size_cap {
public:
  explicit file_size_cap(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN); // else the process dies
    rlimit cap{bytes, saved_.rlim_max};
    setrlimit(RLIMIT_FSIZE, &cap);
  }
  ~file_size_cap() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, old_handler_);
  }
  file_size_cap(const file_size_cap&) = delete;
  file_size_cap& operator=(const file_size_cap&) = delete;

private:
  rlimit saved_{};
  void (*old_handler_)(int) = nullptr;
};

} // namespace

TEST(FileSystemTest, WriteAtomicallyWritesEverythingOrReportsTheRealError) {
  auto dir = fs::temp_directory_path() / ("atomic-test-" + std::to_string(std::random_device{}()));
  auto path = dir / "catalog" / "metadata.json";
  std::string big(2 * 1024 * 1024, 'x');
  ASSERT_FALSE(write_atomically(path, "old"));
  {
    file_size_cap cap{1024 * 1024};
    auto ec = write_atomically(path, big);
    EXPECT_EQ(ec, std::errc::file_too_large) << ec.message();
    EXPECT_EQ(fs::file_size(path), 3u) << "the old file stays whole";
    EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
    ASSERT_FALSE(write_atomically(path, std::string(1000, 'y'))); // under the cap: written
  }
  EXPECT_EQ(fs::file_size(path), 1000u);
  ASSERT_FALSE(write_atomically(path, big));
  EXPECT_EQ(fs::file_size(path), big.size());
  fs::remove_all(dir);
}

TEST(FileSystemTest, WriteAtomicallyNeverWritesThroughALinkedTemporaryName) {
  // What an import could plant beside a file the daemon rewrites: its
  // temporary name as another name (or a link) of the operator's file.
  auto dir = fs::temp_directory_path() / ("atomic-link-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir / "model");
  auto victim = dir / "operator.gguf";
  { std::ofstream{victim} << "the operator's weights"; }
  auto path = dir / "model" / "x.gguf.part.validator";
  for (bool hard : {true, false}) {
    if (hard)
      fs::create_hard_link(victim, path.string() + ".tmp");
    else
      fs::create_symlink(victim, path.string() + ".tmp");
    ASSERT_FALSE(write_atomically(path, "etag")) << hard;
    std::ifstream in{victim};
    std::string kept{std::istreambuf_iterator<char>{in}, {}};
    EXPECT_EQ(kept, "the operator's weights") << hard;
    EXPECT_EQ(fs::hard_link_count(victim), 1u) << hard;
    EXPECT_EQ(fs::file_size(path), 4u);
  }
  fs::remove_all(dir);
}

TEST(FileSystemTest, AFullDiskIsToldApartFromOtherErrors) {
  EXPECT_TRUE(is_disk_full(std::make_error_code(std::errc::no_space_on_device)));
  EXPECT_TRUE(is_disk_full({EDQUOT, std::generic_category()}));
  EXPECT_FALSE(is_disk_full(std::make_error_code(std::errc::io_error)));
  auto text = no_space_text(fs::temp_directory_path());
  EXPECT_EQ(text.rfind("no space left in " + fs::temp_directory_path().string() + " (", 0), 0u)
      << text;
  EXPECT_NE(text.find(" free)"), std::string::npos) << text;
}
