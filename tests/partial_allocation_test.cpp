// A download's partial allocated as its worker prepares it, on this machine's
// temporary folder (the full-disk cases run on the small tmpfs, in
// DiskPreflightTest).

#include "actors/vendors/http_file_actor.hpp"
#include "actors/vendors/partial_allocation.hpp"
#include "net/host/disk_space.hpp"
#include "net/host/file_sink.hpp"
#include "net/host/space_ledger.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sys/stat.h>

using namespace hive;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t mib = 1024 * 1024;

class PartialAllocationTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("allocation-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    st.ctx.job_id = "job-1";
    st.ctx.settings.space = &ledger;
    st.task.part_path = (dir / "m.gguf.part").string();
    std::error_code ec;
    claim = net::part_claim::acquire(st.task.part_path, ec);
    ASSERT_FALSE(ec) << ec.message();
    on = net::volume_of(st.task.part_path, ec);
    ASSERT_FALSE(ec) << ec.message();
  }
  void TearDown() override {
    claim = {};
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  /// Bytes the file system holds for the partial.
  std::uint64_t allocated() const {
    struct stat info {};
    EXPECT_EQ(::stat(st.task.part_path.c_str(), &info), 0);
    return static_cast<std::uint64_t>(info.st_blocks) * 512;
  }

  /// Skips the test where the file system cannot preallocate.
  bool can_preallocate() const {
    auto probe = dir / "probe";
    { std::ofstream{probe}; }
    return net::preallocate(probe, 4096).value() != EOPNOTSUPP;
  }

  fs::path dir;
  net::space_ledger ledger;
  http_file_state st; // the worker of HTTP fetches, as it prepares its partial
  net::part_claim claim; // the worker's claim on its partial, which a full disk gives up
  net::volume on;
};

} // namespace

TEST_F(PartialAllocationTest, AnAllocatedPartialHandsItsPromiseBack) {
  if (!can_preallocate())
    GTEST_SKIP() << "this file system has no fallocate: " << dir;
  st.task.size = 2 * mib;
  ASSERT_FALSE(ledger.reserve("job-1", {{st.task.part_path, on, st.task.size}}, 0));
  ASSERT_EQ(ledger.promised(on.device), 2 * mib);

  EXPECT_FALSE(allocate_partial(st, claim));
  EXPECT_EQ(ledger.promised(on.device), 0u) << "the allocation shows in statvfs now";
  EXPECT_GE(allocated(), 2 * mib);
  EXPECT_EQ(fs::file_size(st.task.part_path), 0u) << "the size stays what was written";
}

TEST_F(PartialAllocationTest, AFreshTransferKeepsTheAllocationOfItsEmptyPartial) {
  if (!can_preallocate())
    GTEST_SKIP() << "this file system has no fallocate: " << dir;
  st.task.size = 2 * mib;
  ASSERT_FALSE(allocate_partial(st, claim));
  net::file_sink sink; // as a transfer from byte 0 opens it
  ASSERT_FALSE(sink.open(st.task.part_path, false));
  ASSERT_FALSE(sink.write("abc", 3));
  ASSERT_FALSE(sink.finish());
  EXPECT_GE(allocated(), 2 * mib) << "a truncate would have given it back";
  EXPECT_EQ(fs::file_size(st.task.part_path), 3u);
}

TEST_F(PartialAllocationTest, AFileOfUnknownSizeAllocatesNothingAndKeepsNoPromise) {
  ASSERT_FALSE(ledger.reserve("job-1", {{"other.part", on, 10}}, 0));
  st.task.size = 0;
  EXPECT_FALSE(allocate_partial(st, claim));
  EXPECT_EQ(allocated(), 0u);
  EXPECT_EQ(ledger.promised(on.device), 10u) << "another file's promise stands";
}
