// The disk preflight on a real small file system: the tmpfs that CI mounts
// (`.ci/run`) and names in PROVISIONER_ENOSPC_DIR, shared with DiskFullTest
// (a CTest resource lock keeps them apart). Without it the tests are skipped,
// saying why. GitHub assets, whose sizes the plan knows, are the files.

#include "actors/vendors/http_file_actor.hpp"
#include "actors/vendors/partial_allocation.hpp"
#include "messages/errc.hpp"
#include "net/format/human_units.hpp"
#include "net/host/disk_space.hpp"
#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_github_server.hpp"

#include <cstdlib>
#include <random>
#include <sys/stat.h>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* repo = "acme/models";
constexpr std::uint64_t mib = 1024 * 1024;

class DiskPreflightTest : public runtime_fixture {
protected:
  void SetUp() override {
    const char* dir = std::getenv("PROVISIONER_ENOSPC_DIR");
    if (dir == nullptr || *dir == '\0')
      GTEST_SKIP() << "PROVISIONER_ENOSPC_DIR is not set: these tests need a small writable "
                      "file system to fill (.ci/run mounts a 24 MiB tmpfs and sets it)";
    mount = dir;
    std::random_device rd;
    models_dir = mount / ("models-" + std::to_string(rd()) + std::to_string(rd()));
    github.add_release(repo, "v1");
    auto s = default_settings();
    s.jobs.vendors.of<gh_settings>().api = github.api_url();
    s.jobs.min_free = margin;
    s.jobs.stall_timeout = std::chrono::seconds{60}; // a held transfer holds for the test
    restart(s);
  }

  /// Bytes still free where the models go.
  std::uint64_t free_space() const {
    std::error_code ec;
    auto bytes = net::free_bytes(models_dir, ec);
    EXPECT_FALSE(ec) << ec.message();
    return bytes;
  }

  /// Everything under the models folder.
  std::vector<fs::path> written() const {
    std::vector<fs::path> out;
    for (const auto& entry : fs::recursive_directory_iterator{models_dir})
      out.push_back(entry.path());
    return out;
  }

  const std::uint64_t margin = 2 * mib;
  fs::path mount;
  test_github_server github;
};

} // namespace

TEST_F(DiskPreflightTest, AJobThatWouldEatIntoTheMarginFailsAtOnceWritingNothing) {
  auto before = written();
  auto free = free_space();
  ASSERT_GT(free, margin + mib);
  auto size = free - mib; // fits the disk, not the disk less the margin
  github.add_asset(repo, "v1", "big.gguf", make_test_bytes(size, 41));

  auto job = start_download("gh:acme/models@v1:big.gguf");
  auto log = follow(job);
  auto why = log.final_data();
  EXPECT_EQ(why.rfind("[ERROR] insufficient_space: needs " + format_bytes(size) + ", ", 0), 0u)
      << why;
  EXPECT_NE(why.find(" free on " + mount.lexically_normal().string() + ", and "
                     + format_bytes(margin) + " must stay free (--min-free)"),
            std::string::npos)
      << why;
  EXPECT_TRUE(github.blobs().requests().empty()) << "not one byte was asked for";
  EXPECT_EQ(written(), before) << "no partial, no folder";
  auto reply = get("/v1/jobs/" + job);
  ASSERT_EQ(reply.status, 200u);
  simdjson::dom::parser parser;
  std::string_view state, code, message;
  auto body = parse_json(parser, reply.body);
  ASSERT_EQ(body["state"].get(state), simdjson::SUCCESS);
  ASSERT_EQ(body["error"]["code"].get(code), simdjson::SUCCESS) << reply.body;
  ASSERT_EQ(body["error"]["message"].get(message), simdjson::SUCCESS) << reply.body;
  EXPECT_EQ(state, "failed");
  EXPECT_EQ(code, "insufficient_space");
  EXPECT_EQ("[ERROR] insufficient_space: " + std::string{message}, why);
  EXPECT_EQ(get("/health").status, 200u);
}

// What another writer takes between a job's check and its file's start: the
// worker's allocation meets the full disk and fails the job the same way.
TEST_F(DiskPreflightTest, AnAllocationThatNoLongerFitsFailsWithInsufficientSpaceKeepingNothing) {
  http_file_state st; // the worker of HTTP fetches, as it prepares its partial
  st.task.part_path = (models_dir / "m" / "m.gguf.part").string();
  fs::create_directories(models_dir / "m");
  auto before = free_space();
  st.task.size = before + mib;
  std::error_code ec;
  auto claim = net::part_claim::acquire(st.task.part_path, ec);
  ASSERT_FALSE(ec);

  auto err = allocate_partial(st, claim);
  auto view = describe(err);
  EXPECT_EQ(view.code, "insufficient_space");
  EXPECT_EQ(view.message.rfind("no space left in " + (models_dir / "m").string() + " (", 0), 0u)
      << view.message;
  EXPECT_FALSE(fs::exists(st.task.part_path)) << "an empty part does not stay";
  EXPECT_EQ(free_space(), before) << "nothing stays allocated";
}

TEST_F(DiskPreflightTest, OfTwoJobsThatFitOnlyAloneTheSecondIsRefusedWhileTheFirstRuns) {
  auto free = free_space();
  auto size = (free - margin) * 6 / 10; // one fits with the margin; two do not
  auto first = make_test_bytes(size, 42);
  auto second = make_test_bytes(size, 43);
  github.add_asset(repo, "v1", "first.gguf", first);
  github.add_asset(repo, "v1", "second.gguf", second);

  // The first is held after its first MiBs (slowly enough that progress shows
  // them), its partial allocated in full.
  github.set_blob_query("rate=4000000&stall_after=" + std::to_string(4 * mib));
  auto held = start_download("gh:acme/models@v1:first.gguf");
  wait_for_bytes(held);
  github.set_blob_query("");
  auto parts = files_ending(".part");
  ASSERT_EQ(parts.size(), 1u);
  struct stat info {};
  ASSERT_EQ(::stat(parts[0].c_str(), &info), 0);
  EXPECT_GE(static_cast<std::uint64_t>(info.st_blocks) * 512, size) << "the space is taken";

  auto refused = follow(start_download("gh:acme/models@v1:second.gguf")).final_data();
  EXPECT_EQ(refused.rfind("[ERROR] insufficient_space: needs " + format_bytes(size) + ", ", 0), 0u)
      << refused;
  for (const auto& target : github.blobs().requests())
    EXPECT_EQ(target, github.blobs().requests().front()) << "the second asked for nothing";
  simdjson::dom::parser parser;
  std::string_view state;
  ASSERT_EQ(parse_json(parser, get("/v1/jobs/" + held).body)["state"].get(state),
            simdjson::SUCCESS);
  EXPECT_EQ(state, "running");

  // Once the first is cancelled, its space is free again.
  EXPECT_EQ(call("POST", "/v1/jobs/" + held + "/cancel").status, 200u);
  EXPECT_EQ(follow(held).final_data(), "[CANCELLED]");
  auto again = follow(start_download("gh:acme/models@v1:second.gguf"));
  ASSERT_EQ(again.final_data(), "[DONE]");
  EXPECT_EQ(sha256_hex(read_file(models_dir / "second" / "second.gguf")), sha256_hex(second));
}
