// A full disk, for real: a small tmpfs that CI mounts (`.ci/run`) and names in
// PROVISIONER_ENOSPC_DIR. Without it the test is skipped, saying why. One test
// here, and a CTest resource lock between it and DiskPreflightTest: two would
// fill the same file system at once under `ctest -j`.

#include "net/host/file_system.hpp"
#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_file_server.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <random>
#include <unistd.h>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

class DiskFullTest : public runtime_fixture {
protected:
  void SetUp() override {
    const char* dir = std::getenv("PROVISIONER_ENOSPC_DIR");
    if (dir == nullptr || *dir == '\0')
      GTEST_SKIP() << "PROVISIONER_ENOSPC_DIR is not set: these tests need a small writable "
                      "file system to fill (.ci/run mounts a 24 MiB tmpfs and sets it)";
    std::random_device rd;
    models_dir = fs::path{dir} / ("models-" + std::to_string(rd()) + std::to_string(rd()));
    restart(default_settings());
  }

  /// Bytes still free where the models go.
  std::uint64_t free_space() const {
    return fs::space(models_dir).available;
  }

  test_file_server files;
};

} // namespace

TEST_F(DiskFullTest, AFullDiskFailsCleanlyWithInsufficientSpaceAndTheNextJobStartsClean) {
  auto too_big = make_test_bytes(free_space() + 4 * 1024 * 1024, 3);
  files.add_file("big.gguf", too_big);
  auto log = follow(start_download("url:" + files.base_url() + "/files/big.gguf"));
  auto why = log.final_data();
  EXPECT_EQ(why.rfind("[ERROR] insufficient_space: ", 0), 0u) << why;
  EXPECT_NE(why.find("no space left in " + (models_dir / "big").string() + " ("), std::string::npos)
      << why;
  EXPECT_NE(why.find(" free)"), std::string::npos) << why;
  EXPECT_TRUE(files_ending(".part").empty()) << "a full disk keeps no partial";
  EXPECT_TRUE(files_ending(".validator").empty());
  EXPECT_EQ(get("/health").status, 200u);

  // A smaller version of the same file fits: nothing stale stands in its way.
  auto fits = make_test_bytes(2 * 1024 * 1024, 4);
  files.add_file("big.gguf", fits);
  auto again =
      follow(start_download("url:" + files.base_url() + "/files/big.gguf", sha256_hex(fits)));
  ASSERT_EQ(again.final_data(), "[DONE]");
  EXPECT_EQ(sha256_hex(read_file(models_dir / "big" / "big.gguf")), sha256_hex(fits));
  EXPECT_EQ(files.ranges().back(), "") << "started clean, not resumed";

  // The catalog's own writes: cut short by the full disk, they say so, and
  // the old file stays whole.
  auto path = models_dir / "m" / "metadata.json";
  ASSERT_FALSE(net::write_atomically(path, "{}"));
  // Leave 64 KiB free: the write below starts, is cut short, then fails.
  auto filler = models_dir / "filler";
  int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  auto room = static_cast<off_t>(free_space()) - 64 * 1024;
  ASSERT_GT(room, 0);
  ASSERT_EQ(::posix_fallocate(fd, 0, room), 0);
  ::close(fd);

  auto ec = net::write_atomically(path, std::string(1024 * 1024, 'x'));
  EXPECT_EQ(ec, std::errc::no_space_on_device) << ec.message();
  EXPECT_EQ(read_file(path), "{}") << "the old file stays whole";
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
}
