// The host facts of the disk preflight, on this machine's real file systems.

#include "net/host/disk_space.hpp"
#include "net/host/part_file.hpp"
#include "tests/support/test_file_server.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sys/stat.h>
#include <thread>

using namespace hive::net;
using hive::test::read_file;
namespace fs = std::filesystem;

namespace {

class DiskSpaceTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("disk-space-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path dir;
};

std::uint64_t device_of(const fs::path& p) {
  struct stat info {};
  EXPECT_EQ(::stat(p.c_str(), &info), 0) << p;
  return info.st_dev;
}

} // namespace

TEST_F(DiskSpaceTest, AFolderNotYetCreatedIsOnItsNearestExistingFoldersFileSystem) {
  std::error_code ec;
  auto v = volume_of(dir / "model" / "blobs" / "x.part", ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(v.device, device_of(dir));
  EXPECT_EQ(v.device, device_of(v.mount_point));
  // The mount point is above the folder, and its parent (if any) is another device.
  auto rel = dir.lexically_relative(v.mount_point);
  EXPECT_FALSE(rel.empty() || *rel.begin() == "..") << v.mount_point << " for " << dir;
  if (v.mount_point.has_relative_path()) {
    EXPECT_NE(device_of(v.mount_point.parent_path()), v.device);
  }
  EXPECT_GT(free_bytes(v.mount_point, ec), 0u);
  EXPECT_FALSE(ec);
}

TEST_F(DiskSpaceTest, AFileNeedsWhatItsPartialDoesNotHoldYet) {
  auto part = dir / "m.gguf.part";
  auto final_path = dir / "m.gguf";
  EXPECT_EQ(bytes_still_needed(part, final_path, 1000), 1000u) << "nothing there yet";
  EXPECT_EQ(bytes_still_needed(part, final_path, 0), 0u) << "unknown size: not counted";
  std::ofstream{part} << std::string(300, 'x');
  EXPECT_EQ(bytes_still_needed(part, final_path, 1000), 700u);
  EXPECT_EQ(bytes_still_needed(part, final_path, 200), 0u) << "a part longer than the file";
  std::ofstream{final_path} << "done";
  EXPECT_EQ(bytes_still_needed(part, final_path, 1000), 0u) << "the file is in place";
}

TEST_F(DiskSpaceTest, PreallocationKeepsTheSizeAResumeReads) {
  auto part = dir / "m.gguf.part";
  std::ofstream{part} << "0123456789";
  auto ec = preallocate(part, 4 * 1024 * 1024);
  if (ec.value() == EOPNOTSUPP)
    GTEST_SKIP() << "this file system has no fallocate: " << dir;
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(fs::file_size(part), 10u);
  struct stat info {};
  ASSERT_EQ(::stat(part.c_str(), &info), 0);
  EXPECT_GE(static_cast<std::uint64_t>(info.st_blocks) * 512, 4u * 1024 * 1024);
  EXPECT_TRUE(preallocate(dir / "missing.part", 10)) << "never creates the file";
}

TEST_F(DiskSpaceTest, AStoppedTransfersClaimGivesBackWhatItDidNotFill) {
  auto part = dir / "m.gguf.part";
  std::ofstream{part} << "0123456789";
  std::error_code ec;
  auto claim = part_claim::acquire(part, ec); // the writer, as a transfer holds it
  ASSERT_FALSE(ec);
  ec = preallocate(part, 4 * 1024 * 1024);
  if (ec.value() == EOPNOTSUPP)
    GTEST_SKIP() << "this file system has no fallocate: " << dir;
  ASSERT_FALSE(ec) << ec.message();
  auto allocated = [&] {
    struct stat info {};
    EXPECT_EQ(::stat(part.c_str(), &info), 0);
    return static_cast<std::uint64_t>(info.st_blocks) * 512;
  };
  EXPECT_GE(allocated(), 4u * 1024 * 1024) << "held while the writer works";
  claim.give_back_unfilled();
  EXPECT_LT(allocated(), 1024u * 1024);
  EXPECT_EQ(read_file(part), "0123456789");
}

TEST_F(DiskSpaceTest, AFileWithNothingPastItsEndIsLeftUntouched) {
  auto part = dir / "m.gguf.part";
  std::ofstream{part} << "0123456789";
  auto before = fs::last_write_time(part);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::error_code ec;
  auto claim = part_claim::acquire(part, ec);
  ASSERT_FALSE(ec);
  claim.give_back_unfilled();
  EXPECT_EQ(fs::last_write_time(part), before) << "a landed file keeps its time";
}
