// What a job's reservation leaves on a roomy disk (this machine's temporary
// folder): a failed job's kept partial holds its bytes, not the whole file.
// The refusals are on the small tmpfs, in DiskPreflightTest.

#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_github_server.hpp"

#include <sys/stat.h>

using namespace hive;
using namespace hive::test;

namespace {

constexpr std::uint64_t mib = 1024 * 1024;

class SpaceReservationTest : public runtime_fixture {
protected:
  void SetUp() override {
    runtime_fixture::SetUp();
    auto s = default_settings();
    s.jobs.vendors.of<gh_settings>().api = github.api_url();
    restart(s);
  }

  test_github_server github;
};

} // namespace

TEST_F(SpaceReservationTest, AFailedJobsKeptPartialGivesBackWhatItDidNotFill) {
  const std::uint64_t size = 16 * mib;
  github.add_release("acme/models", "v1");
  github.add_asset("acme/models", "v1", "m.gguf", make_test_bytes(size, 51));
  github.set_blob_query("reset_after=" + std::to_string(mib)); // every attempt

  auto end = follow(start_download("gh:acme/models@v1:m.gguf")).final_data();
  ASSERT_EQ(end.rfind("[ERROR] connection_reset: ", 0), 0u) << end;
  auto parts = files_ending(".part");
  ASSERT_EQ(parts.size(), 1u) << "kept for a resume";
  struct stat info {};
  ASSERT_EQ(::stat(parts[0].c_str(), &info), 0);
  auto held = static_cast<std::uint64_t>(info.st_size);
  EXPECT_GT(held, 0u);
  EXPECT_LT(held, size);
  EXPECT_LT(static_cast<std::uint64_t>(info.st_blocks) * 512, held + mib)
      << "the allocation past its bytes is given back";
}
