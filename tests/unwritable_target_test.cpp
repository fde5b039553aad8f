// Folders the daemon may not write to: the models folder, the Hugging Face
// cache and Ollama's store. Each job fails with `io_failed` naming what it
// could not write, and leaves nothing behind. Permission bits do not stop
// root, so these run only unprivileged (as `tools/dev test` runs the suites).

#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_file_server.hpp"
#include "tests/support/test_hub_server.hpp"
#include "tests/support/test_registry.hpp"

#include <unistd.h>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

class UnwritableTargetTest : public runtime_fixture {
protected:
  void SetUp() override {
    if (::geteuid() == 0)
      GTEST_SKIP() << "root writes into read-only folders; tools/dev test runs this unprivileged";
    runtime_fixture::SetUp();
  }

  void TearDown() override {
    std::error_code ec;
    for (const auto& folder : locked)
      fs::permissions(folder, fs::perms::owner_all, ec);
    runtime_fixture::TearDown();
  }

  /// Creates `folder` (and its parents) and makes it read-only.
  void lock(const fs::path& folder) {
    fs::create_directories(folder);
    fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec);
    locked.push_back(folder);
  }

  /// Every entry under `folder`, relative to it.
  static std::vector<std::string> entries(const fs::path& folder) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it{folder, ec}, end; !ec && it != end; it.increment(ec))
      out.push_back(fs::relative(it->path(), folder).string());
    std::sort(out.begin(), out.end());
    return out;
  }

  static void expect_io_failed(const std::string& end, const fs::path& folder) {
    EXPECT_EQ(end.rfind("[ERROR] io_failed: ", 0), 0u) << end;
    EXPECT_NE(end.find(folder.string()), std::string::npos) << "names the folder: " << end;
    EXPECT_NE(end.find("Permission denied"), std::string::npos) << "says why: " << end;
  }

  std::vector<fs::path> locked;
};

TEST_F(UnwritableTargetTest, AnUnwritableModelsFolderFailsTheDownload) {
  test_file_server files;
  files.add_file("w.gguf", make_test_bytes(64 * 1024));
  lock(models_dir);
  auto end = follow(start_download("url:" + files.base_url() + "/files/w.gguf")).final_data();
  expect_io_failed(end, models_dir);
  EXPECT_EQ(entries(models_dir), std::vector<std::string>{});
  EXPECT_EQ(get("/v1/models/w").status, 404u);
}

TEST_F(UnwritableTargetTest, AnUnwritableHuggingFaceCacheFailsTheDownload) {
  const std::string repo = "TheOrg/Tiny-GGUF";
  test_hub_server hub;
  hub.add_file(repo, "tiny.Q4_K_M.gguf", make_test_bytes(64 * 1024, 5), true);
  auto cache = models_dir / "hf-cache";
  lock(cache);
  auto s = default_settings();
  s.jobs.vendors.of<hf_settings>().endpoint = hub.endpoint();
  s.jobs.vendors.of<hf_settings>().cache = cache;
  restart(s);
  auto end = follow(start_download("hf:" + repo + ":tiny.Q4_K_M.gguf")).final_data();
  expect_io_failed(end, cache);
  EXPECT_EQ(entries(cache), std::vector<std::string>{});
}

TEST_F(UnwritableTargetTest, AnUnwritableOllamaStoreFailsThePull) {
  test_registry registry;
  registry.push_model("library/tiny", "latest",
                      {{"application/vnd.ollama.image.model", make_test_bytes(64 * 1024, 6)}});
  auto store = models_dir / "ollama-store";
  lock(store);
  auto s = default_settings();
  s.jobs.vendors.of<ollama_settings>().models = store;
  restart(s);
  auto end = follow(start_download("ollama:" + registry.base() + "/library/tiny")).final_data();
  expect_io_failed(end, store);
  EXPECT_EQ(entries(store), std::vector<std::string>{});
}

} // namespace
