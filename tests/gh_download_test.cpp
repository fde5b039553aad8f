// GitHub release assets through the real API, from a local server that
// speaks GitHub's releases API and redirects downloads to a blob store.

#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_github_server.hpp"

#include <algorithm>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* repo = "acme/models";

class GhDownloadTest : public runtime_fixture {
protected:
  void SetUp() override {
    runtime_fixture::SetUp();
    restart(github_settings());
  }

  runtime_settings github_settings() const {
    auto s = default_settings();
    s.jobs.vendors.of<gh_settings>().api = github.api_url();
    return s;
  }

  std::string ends_with(const std::string& model) {
    return follow(start_download(model)).final_data();
  }

  static std::string narration_of(const stream_log& log) {
    std::string text;
    for (const auto& e : log.named("narration"))
      text += e.data + "\n";
    return text;
  }

  test_github_server github;
};

TEST_F(GhDownloadTest, AnAssetComesThroughTheBlobStoreWithoutTheToken) {
  auto data = make_test_bytes(3 * 1024 * 1024, 21);
  github.add_release(repo, "v1.2");
  github.add_asset(repo, "v1.2", "tiny.Q4_K_M.gguf", data);
  github.add_asset(repo, "v1.2", "tiny.Q8_0.gguf", "other");
  github.require_token("ghp_secret");
  auto settings = github_settings();
  settings.jobs.vendors.of<gh_settings>().token = "ghp_secret";
  restart(settings);

  auto log = follow(start_download("gh:acme/models@v1.2:tiny.Q4_K_M.gguf"));
  ASSERT_EQ(log.final_data(), "[DONE]") << narration_of(log);
  auto file = models_dir / "tiny.Q4_K_M" / "tiny.Q4_K_M.gguf";
  EXPECT_EQ(sha256_hex(read_file(file)), sha256_hex(data));
  EXPECT_TRUE(files_ending(".part").empty());

  auto requests = github.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0], "GET /repos/acme/models/releases/tags/v1.2");
  EXPECT_EQ(requests[1], "GET /repos/acme/models/releases/assets/1000");
  EXPECT_EQ(github.accepts(),
            (std::vector<std::string>{"application/vnd.github+json", "application/octet-stream"}));
  EXPECT_EQ(github.authorizations(),
            (std::vector<std::string>{"Bearer ghp_secret", "Bearer ghp_secret"}));
  // The blob store got the download, and no token.
  EXPECT_EQ(github.blobs().requests(), (std::vector<std::string>{"/files/asset-1000"}));
  EXPECT_EQ(github.blobs().authorizations(), (std::vector<std::string>{""}));

  auto said = narration_of(log);
  EXPECT_NE(said.find("release v1.2 (published 2026-01-10T12:00:00Z): asset tiny.Q4_K_M.gguf, "
                      "3.1 MB, sha256 "
                      + sha256_hex(data)),
            std::string::npos)
      << said;
  auto model = get("/v1/models/tiny.Q4_K_M");
  EXPECT_EQ(model.status, 200u);
  EXPECT_NE(model.body.find("\"vendor\":\"gh\""), std::string::npos) << model.body;
}

TEST_F(GhDownloadTest, AGlobPicksTheOneMatchingAssetOfTheLatestRelease) {
  github.add_release(repo, "v1.0");
  github.add_asset(repo, "v1.0", "old.Q4_K_M.gguf", "old");
  github.add_release(repo, "v2.0");
  github.add_asset(repo, "v2.0", "new.Q4_K_M.gguf", "new bytes");
  github.add_asset(repo, "v2.0", "new.Q8_0.gguf", "other");
  github.add_asset(repo, "v2.0", "README.md", "# new");

  ASSERT_EQ(ends_with("gh:acme/models:*Q4_K_M*"), "[DONE]");
  EXPECT_EQ(github.requests().front(), "GET /repos/acme/models/releases/latest");
  // Named after the release, the file after the asset the glob chose.
  EXPECT_EQ(read_file(models_dir / "models.latest" / "new.Q4_K_M.gguf"), "new bytes");
  auto model = get("/v1/models/models.latest");
  EXPECT_NE(model.body.find("\"name\":\"acme/models:*Q4_K_M*\""), std::string::npos) << model.body;
}

TEST_F(GhDownloadTest, AnAssetServedByTheApiItselfWithoutDigestIsCheckedBySize) {
  github.add_release(repo, "v3");
  github.add_asset(repo, "v3", "plain.bin", "direct bytes", false);
  github.serve_assets_directly();
  auto log = follow(start_download("gh:acme/models@v3:plain.bin"));
  ASSERT_EQ(log.final_data(), "[DONE]");
  EXPECT_EQ(read_file(models_dir / "plain" / "plain.bin"), "direct bytes");
  EXPECT_TRUE(github.blobs().requests().empty());
  EXPECT_NE(narration_of(log).find("12 B, no digest: size checked only"), std::string::npos)
      << narration_of(log);
}

TEST_F(GhDownloadTest, ACorruptedAssetFailsItsDigestAndLeavesNothing) {
  github.add_release(repo, "v1");
  github.add_asset(repo, "v1", "m.gguf", make_test_bytes(512 * 1024, 3));
  github.corrupt(repo, "v1", "m.gguf");
  auto final = ends_with("gh:acme/models@v1:m.gguf");
  EXPECT_EQ(final.rfind("[ERROR] checksum_mismatch: m.gguf: expected sha256 ", 0), 0u) << final;
  EXPECT_TRUE(files_ending(".gguf").empty());
  EXPECT_TRUE(files_ending(".part").empty());
  EXPECT_FALSE(fs::exists(models_dir / "m"));
}

TEST_F(GhDownloadTest, MissingRepositoryTagOrAssetAndAmbiguousGlobsSayWhatIsThere) {
  github.add_release(repo, "v1");
  github.add_asset(repo, "v1", "a.Q4_K_M.gguf", "a");
  github.add_asset(repo, "v1", "b.Q4_K_M.gguf", "b");
  EXPECT_EQ(ends_with("gh:acme/nothing@v1:a.Q4_K_M.gguf"),
            "[ERROR] repo_not_found: no GitHub repository acme/nothing (or it is private and "
            "GITHUB_TOKEN is not set)");
  auto tag = ends_with("gh:acme/models@v9:a.Q4_K_M.gguf");
  EXPECT_EQ(tag.rfind("[ERROR] revision_not_found: acme/models has no release tagged 'v9'", 0), 0u)
      << tag;
  EXPECT_EQ(ends_with("gh:acme/models@v1:c.gguf"),
            "[ERROR] entry_not_found: release v1 of acme/models has no asset matching 'c.gguf'; "
            "its assets: a.Q4_K_M.gguf, b.Q4_K_M.gguf");
  EXPECT_EQ(ends_with("gh:acme/models@v1:*.gguf"),
            "[ERROR] ambiguous_reference: '*.gguf' matches 2 assets of release v1 of "
            "acme/models: a.Q4_K_M.gguf, b.Q4_K_M.gguf; name one");
  EXPECT_TRUE(github.blobs().requests().empty());
}

TEST_F(GhDownloadTest, ARateLimitSaysWhenItResetsAndThatATokenHelps) {
  github.add_release(repo, "v1");
  github.rate_limit(1893456000); // 2030-01-01 00:00:00 UTC
  auto final = ends_with("gh:acme/models@v1:a.gguf");
  EXPECT_EQ(final.rfind("[ERROR] rate_limited: GitHub's API rate limit is used up until "
                        "2030-01-01 00:00:00 UTC; a token (GITHUB_TOKEN or --github-token) "
                        "raises the limit",
                        0),
            0u)
      << final;
  EXPECT_EQ(github.requests().size(), 1u); // a 403 is not asked again
}

TEST_F(GhDownloadTest, ARateLimitedAssetDownloadSaysSoToo) {
  github.add_release(repo, "v1");
  github.add_asset(repo, "v1", "a.gguf", "a");
  github.rate_limit(1893459600, true); // 2030-01-01 01:00:00 UTC
  auto final = ends_with("gh:acme/models@v1:a.gguf");
  EXPECT_EQ(final.rfind("[ERROR] rate_limited: GitHub's API rate limit is used up until "
                        "2030-01-01 01:00:00 UTC",
                        0),
            0u)
      << final;
  EXPECT_EQ(github.requests().back(), "GET /repos/acme/models/releases/assets/1000");
  EXPECT_TRUE(files_ending(".gguf").empty());
}

TEST_F(GhDownloadTest, TheJobsTokenWinsAndAMissingOneIsUnauthorized) {
  github.add_release(repo, "v1");
  github.add_asset(repo, "v1", "t.gguf", "token bytes");
  github.require_token("ghp_job");
  auto refused = ends_with("gh:acme/models@v1:t.gguf");
  EXPECT_EQ(refused.rfind("[ERROR] unauthorized: GitHub refused the credentials", 0), 0u)
      << refused;
  auto job = start_download_with(R"("model":"gh:acme/models@v1:t.gguf","token":"ghp_job",)");
  ASSERT_EQ(follow(job).final_data(), "[DONE]");
  EXPECT_EQ(github.authorizations().back(), "Bearer ghp_job");
  EXPECT_EQ(read_file(models_dir / "t" / "t.gguf"), "token bytes");
}

TEST_F(GhDownloadTest, CancelMidTransferLeavesNoPartial) {
  github.add_release(repo, "v1");
  github.add_asset(repo, "v1", "big.gguf", make_test_bytes(16 * 1024 * 1024, 9));
  github.set_blob_query("rate=2000000");
  auto job = start_download("gh:acme/models@v1:big.gguf");
  wait_for_bytes(job);
  EXPECT_EQ(files_ending(".part").size(), 1u);
  auto reply = call("POST", "/v1/jobs/" + job + "/cancel");
  EXPECT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(follow(job).final_data(), "[CANCELLED]");
  EXPECT_TRUE(files_ending(".part").empty());
  EXPECT_TRUE(files_ending(".gguf").empty());
  EXPECT_FALSE(fs::exists(models_dir / "big"));
}

} // namespace
