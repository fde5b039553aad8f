// The node's ledger of promised disk space, against file systems whose free
// space the test sets: the arithmetic of the preflight, exactly.

#include "net/host/space_ledger.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace hive::net;

namespace {

class SpaceLedgerTest : public ::testing::Test {
protected:
  /// Free bytes per mount point, as the ledger measures them.
  std::map<std::filesystem::path, std::uint64_t> free_on{{"/a", 100}, {"/b", 100}};
  space_ledger ledger{[this](const std::filesystem::path& mount, std::error_code& ec) {
    auto it = free_on.find(mount);
    if (it == free_on.end()) {
      ec = std::make_error_code(std::errc::no_such_file_or_directory);
      return std::uint64_t{0};
    }
    return it->second;
  }};
  const volume a{1, "/a"};
  const volume b{2, "/b"};
};

} // namespace

TEST_F(SpaceLedgerTest, TwoReservationsThatTogetherExceedTheFreeSpaceCannotBothPass) {
  EXPECT_FALSE(ledger.reserve("job-1", {{"/a/x.part", a, 60}}, 10));
  EXPECT_EQ(ledger.promised(1), 60u);
  auto refused = ledger.reserve("job-2", {{"/a/y.part", a, 40}}, 10);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->mount_point, "/a");
  EXPECT_EQ(refused->needed, 40u);
  EXPECT_EQ(refused->free, 40u);
  EXPECT_EQ(refused->promised, 60u);
  EXPECT_EQ(refused->text(),
            "needs 40 B, 40 B free on /a after the 60 B other downloads hold, and 10 B must "
            "stay free (--min-free)");
  EXPECT_EQ(ledger.promised(1), 60u) << "a refusal records nothing";
  EXPECT_FALSE(ledger.reserve("job-2", {{"/a/y.part", a, 30}}, 10)) << "exactly what is left";
  EXPECT_EQ(ledger.promised(1), 90u);
}

TEST_F(SpaceLedgerTest, TheMarginAloneCanRefuseAJob) {
  auto refused = ledger.reserve("job-1", {{"/a/x.part", a, 1}}, 100);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->text(), "needs 1 B, 100 B free on /a, and 100 B must stay free (--min-free)");
  free_on["/a"] = 50;
  EXPECT_TRUE(ledger.reserve("job-1", {{"/a/x.part", a, 0}}, 60)) << "less free than the margin";
}

TEST_F(SpaceLedgerTest, ReleasingAFileOrAJobGivesItsSpaceBack) {
  ASSERT_FALSE(ledger.reserve("job-1", {{"/a/x.part", a, 50}, {"/a/y.part", a, 50}}, 0));
  EXPECT_TRUE(ledger.reserve("job-2", {{"/a/z.part", a, 1}}, 0));
  // x's worker allocated it: the file system's own figure says so now.
  free_on["/a"] = 50;
  ledger.release("job-1", "/a/x.part");
  EXPECT_EQ(ledger.promised(1), 50u);
  ledger.release("job-1", "/a/x.part"); // twice is once
  ledger.release("job-9", "/a/y.part"); // not its promise
  EXPECT_EQ(ledger.promised(1), 50u);
  EXPECT_TRUE(ledger.reserve("job-2", {{"/a/z.part", a, 1}}, 0));
  ledger.release_all("job-1");
  EXPECT_EQ(ledger.promised(1), 0u);
  EXPECT_FALSE(ledger.reserve("job-2", {{"/a/z.part", a, 50}}, 0));
}

TEST_F(SpaceLedgerTest, FileSystemsAreCountedApart) {
  ASSERT_FALSE(ledger.reserve("job-1", {{"/a/x.part", a, 100}}, 0));
  EXPECT_FALSE(ledger.reserve("job-2", {{"/b/x.part", b, 100}}, 0)) << "/b is another device";
  EXPECT_EQ(ledger.promised(1), 100u);
  EXPECT_EQ(ledger.promised(2), 100u);
  // A job whose files fit on /b but not on /a records nothing on either.
  ledger.release_all("job-2");
  auto refused = ledger.reserve("job-3", {{"/b/y.part", b, 10}, {"/a/y.part", a, 10}}, 0);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->mount_point, "/a");
  EXPECT_EQ(ledger.promised(2), 0u);
}

TEST_F(SpaceLedgerTest, AJobsFilesOnOneFileSystemAreCheckedTogether) {
  auto refused = ledger.reserve("job-1", {{"/a/x.part", a, 60}, {"/a/y.part", a, 60}}, 0);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->needed, 120u);
}

TEST_F(SpaceLedgerTest, AFileSystemThatCannotBeMeasuredIsNotHeldAgainstAJob) {
  EXPECT_FALSE(ledger.reserve("job-1", {{"/gone/x.part", volume{3, "/gone"}, 1000}}, 10));
  EXPECT_EQ(ledger.promised(3), 1000u);
}

TEST_F(SpaceLedgerTest, AHoldReleasesItsJobsPromisesWhenItGoes) {
  ASSERT_FALSE(ledger.reserve("job-1", {{"/a/x.part", a, 70}}, 0));
  {
    space_hold hold{ledger, "job-1"};
    space_hold moved = std::move(hold);
    EXPECT_EQ(ledger.promised(1), 70u);
  }
  EXPECT_EQ(ledger.promised(1), 0u);
  ASSERT_FALSE(ledger.reserve("job-1", {{"/a/x.part", a, 70}}, 0));
  space_hold hold{ledger, "job-1"};
  hold = {};
  EXPECT_EQ(ledger.promised(1), 0u);
}
