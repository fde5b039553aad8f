// Hugging Face downloads through the real API, from a local server that
// speaks the Hub's protocol, into the Hugging Face cache layout.

#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_hub_server.hpp"

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* repo = "TheOrg/Tiny-GGUF";

class HfDownloadTest : public runtime_fixture {
protected:
  void SetUp() override {
    runtime_fixture::SetUp();
    restart(hub_settings());
  }

  runtime_settings hub_settings() const {
    auto s = default_settings();
    s.jobs.vendors.of<hf_settings>().endpoint = hub.endpoint();
    s.jobs.parallel_files = 2;
    return s;
  }

  fs::path repo_dir(const std::string& name = repo) const {
    auto folder =
        "models--" + name.substr(0, name.find('/')) + "--" + name.substr(name.find('/') + 1);
    return models_dir / ".huggingface" / "hub" / folder;
  }

  fs::path pointer(const std::string& path, const std::string& name = repo) const {
    return repo_dir(name) / "snapshots" / hub.commit(name) / path;
  }

  std::string ends_with(const std::string& model) {
    return follow(start_download(model)).final_data();
  }

  /// Every regular file and link under the cache's blobs and snapshots.
  std::vector<std::string> cache_entries() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it{models_dir, ec}, end; !ec && it != end;
         it.increment(ec))
      if (!it->is_directory())
        out.push_back(fs::relative(it->path(), models_dir).string());
    std::sort(out.begin(), out.end());
    return out;
  }

  std::size_t cdn_gets() {
    return hub.cdn().requests().size();
  }

  test_hub_server hub;
};

TEST_F(HfDownloadTest, AFileLandsInTheCacheLayoutTheHuggingFaceToolsRead) {
  auto data = make_test_bytes(3 * 1024 * 1024, 7);
  hub.add_file(repo, "tiny.Q4_K_M.gguf", data, true);
  auto settings = hub_settings();
  settings.jobs.vendors.of<hf_settings>().token = "hf_secret";
  restart(settings);
  auto job = start_download(std::string{repo} + ":tiny.Q4_K_M.gguf");
  auto log = follow(job);
  ASSERT_EQ(log.final_data(), "[DONE]");

  // blobs/<sha256>, snapshots/<commit>/<file> a relative link to it, refs/main the commit.
  auto sha = hub.sha256(repo, "tiny.Q4_K_M.gguf");
  auto blob = repo_dir() / "blobs" / sha;
  EXPECT_EQ(sha256_hex(read_file(blob)), sha);
  auto link = pointer("tiny.Q4_K_M.gguf");
  ASSERT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(fs::read_symlink(link), fs::path{"../../blobs"} / sha);
  EXPECT_EQ(fs::canonical(link), fs::canonical(blob));
  EXPECT_EQ(read_file(repo_dir() / "refs" / "main"), hub.commit(repo));
  EXPECT_TRUE(files_ending(".incomplete").empty());

  // The catalog points at the snapshot instead of holding a copy.
  auto entry = get("/v1/models/tiny.Q4_K_M");
  ASSERT_EQ(entry.status, 200u) << entry.body;
  EXPECT_NE(entry.body.find(link.string()), std::string::npos) << entry.body;
  EXPECT_FALSE(fs::exists(models_dir / "tiny.Q4_K_M" / "tiny.Q4_K_M.gguf"));

  // HEAD to the Hub with the token; the bytes from the CDN without it.
  auto seen = hub.requests();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front(), "HEAD /TheOrg/Tiny-GGUF/resolve/main/tiny.Q4_K_M.gguf");
  EXPECT_EQ(hub.authorizations().front(), "Bearer hf_secret");
  ASSERT_EQ(hub.cdn().requests().size(), 1u);
  EXPECT_EQ(hub.cdn().authorizations().front(), "");
  EXPECT_FALSE(log.named("progress").empty());
}

TEST_F(HfDownloadTest, AFileAlreadyInTheCacheIsNotFetchedAgain) {
  hub.add_file(repo, "tiny.Q4_K_M.gguf", make_test_bytes(256 * 1024, 2), true);
  ASSERT_EQ(ends_with(std::string{repo} + ":tiny.Q4_K_M.gguf"), "[DONE]");
  ASSERT_EQ(call("DELETE", "/v1/models/tiny.Q4_K_M").status, 200u);
  // Another reference to the same bytes: the blob stays shared.
  ASSERT_EQ(ends_with(std::string{repo} + ":Q4_K_M"), "[DONE]");
  auto gets = cdn_gets();
  auto log = follow(start_download(std::string{repo} + ":tiny.Q4_K_M.gguf"));
  ASSERT_EQ(log.final_data(), "[DONE]");
  EXPECT_EQ(cdn_gets(), gets);
  bool said_so = false;
  for (const auto& e : log.named("narration"))
    said_so = said_so || e.data.find("already in the cache") != std::string::npos;
  EXPECT_TRUE(said_so);
}

TEST_F(HfDownloadTest, AQuantisationTagPicksItsFileOrSaysWhatTheRepoOffers) {
  for (const char* name : {"m.Q4_K_M.gguf", "m.Q4_K_S.gguf", "m-Q8_0.gguf", "n-Q8_0.gguf"})
    hub.add_file(repo, name, name, true);
  hub.add_file(repo, "README.md", "# tiny", false);
  ASSERT_EQ(ends_with(std::string{repo} + ":q4_k_m"), "[DONE]");
  EXPECT_EQ(read_file(pointer("m.Q4_K_M.gguf")), "m.Q4_K_M.gguf");
  EXPECT_FALSE(fs::exists(pointer("m.Q4_K_S.gguf")));

  auto ambiguous = ends_with(std::string{repo} + ":Q8_0");
  EXPECT_EQ(ambiguous.rfind("[ERROR] ambiguous_reference: ", 0), 0u) << ambiguous;
  EXPECT_NE(ambiguous.find("m-Q8_0.gguf, n-Q8_0.gguf"), std::string::npos) << ambiguous;
  auto absent = ends_with(std::string{repo} + ":Q2_K");
  EXPECT_EQ(absent.rfind("[ERROR] entry_not_found: ", 0), 0u) << absent;
  EXPECT_NE(absent.find("m.Q4_K_S.gguf"), std::string::npos) << absent;
}

TEST_F(HfDownloadTest, ASnapshotTakesWhatItsPatternsSelectAcrossTreePages) {
  hub.add_file(repo, "config.json", R"({"model_type":"llama"})", false);
  hub.add_file(repo, "model.safetensors", make_test_bytes(600 * 1024, 3), true);
  hub.add_file(repo, "extra.safetensors", make_test_bytes(500 * 1024, 4), true);
  hub.add_file(repo, "sub/tokenizer.json", "{}", false);
  hub.add_file(repo, "README.md", "# tiny", false);
  hub.set_page_size(2);
  auto job =
      start_download_with(R"("model":"hf:TheOrg/Tiny-GGUF","include":["*.json","*.safetensors"],)"
                          R"("exclude":["sub/*","extra*"],)");
  auto log = follow(job);
  ASSERT_EQ(log.final_data(), "[DONE]");
  EXPECT_EQ(read_file(pointer("config.json")), R"({"model_type":"llama"})");
  EXPECT_EQ(sha256_hex(read_file(pointer("model.safetensors"))),
            hub.sha256(repo, "model.safetensors"));
  for (const char* skipped : {"sub/tokenizer.json", "README.md", "extra.safetensors"})
    EXPECT_FALSE(fs::exists(pointer(skipped))) << skipped;
  // The tree came in pages.
  auto seen = hub.requests();
  EXPECT_GE(
      std::count_if(seen.begin(), seen.end(),
                    [](const std::string& r) { return r.find("/tree/") != std::string::npos; }),
      3);
  // Progress counts the whole job.
  simdjson::dom::parser parser;
  std::uint64_t total = 0;
  auto progress = log.named("progress");
  ASSERT_FALSE(progress.empty());
  ASSERT_EQ(parse_json(parser, progress.back().data)["total"].get(total), simdjson::SUCCESS);
  EXPECT_EQ(total, 600u * 1024 + std::string{R"({"model_type":"llama"})"}.size());
  std::uint64_t done = 0, files = 0;
  ASSERT_EQ(parse_json(parser, progress.back().data)["files_done"].get(done), simdjson::SUCCESS);
  ASSERT_EQ(parse_json(parser, progress.back().data)["files_total"].get(files), simdjson::SUCCESS);
  EXPECT_EQ(done, 2u);
  EXPECT_EQ(files, 2u);
  EXPECT_EQ(ends_with("hf:TheOrg/Tiny-GGUF@main"), "[DONE]"); // the rest, same commit
  EXPECT_TRUE(fs::exists(pointer("sub/tokenizer.json")));
}

TEST_F(HfDownloadTest, CancelMidSnapshotStopsEveryFileAndLeavesNothing) {
  hub.add_file(repo, "a.safetensors", make_test_bytes(8 * 1024 * 1024, 5), true);
  hub.add_file(repo, "b.safetensors", make_test_bytes(8 * 1024 * 1024, 6), true);
  hub.add_file(repo, "small.json", "{}", false);
  hub.set_cdn_query("rate=1000000");
  auto job = start_download("hf:TheOrg/Tiny-GGUF");
  wait_for_bytes(job);
  auto reply = call("POST", "/v1/jobs/" + job + "/cancel");
  EXPECT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(follow(job).final_data(), "[CANCELLED]");
  EXPECT_TRUE(files_ending(".incomplete").empty());
  EXPECT_TRUE(files_ending(".safetensors").empty());
  EXPECT_FALSE(fs::exists(repo_dir() / "blobs" / hub.sha256(repo, "a.safetensors")));
  EXPECT_FALSE(fs::exists(models_dir / "TheOrg.Tiny-GGUF"));
}

TEST_F(HfDownloadTest, CancelMidFileStopsAtOnceAndLeavesNoPartial) {
  hub.add_file(repo, "big.gguf", make_test_bytes(16 * 1024 * 1024, 15), true);
  hub.set_cdn_query("rate=2000000");
  auto job = start_download(std::string{repo} + ":big.gguf");
  wait_for_bytes(job);
  EXPECT_EQ(files_ending(".incomplete").size(), 1u);
  auto reply = call("DELETE", "/v1/jobs/" + job);
  EXPECT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(follow(job).final_data(), "[CANCELLED]");
  EXPECT_TRUE(files_ending(".incomplete").empty());
  EXPECT_FALSE(fs::exists(repo_dir() / "blobs" / hub.sha256(repo, "big.gguf")));
  EXPECT_FALSE(fs::exists(pointer("big.gguf")));
}

TEST_F(HfDownloadTest, ResumesAfterAResetFetchingOnlyTheRest) {
  auto data = make_test_bytes(2 * 1024 * 1024, 8);
  hub.add_file(repo, "r.gguf", data, true);
  hub.set_cdn_query("reset_after=700000");
  auto failed = ends_with(std::string{repo} + ":r.gguf");
  EXPECT_EQ(failed.rfind("[ERROR] connection_reset", 0), 0u) << failed;
  ASSERT_EQ(files_ending(".incomplete").size(), 1u);
  hub.set_cdn_query("");
  ASSERT_EQ(ends_with(std::string{repo} + ":r.gguf"), "[DONE]");
  auto ranges = hub.cdn().ranges();
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0], "");
  EXPECT_EQ(ranges[1].rfind("bytes=", 0), 0u);
  EXPECT_NE(ranges[1], "bytes=0-");
  EXPECT_EQ(sha256_hex(read_file(pointer("r.gguf"))), sha256_hex(data));
}

// The Hub announces 300 KiB (`X-Linked-Size`); a CDN that sends more fails
// the file as the body passes that size, with or without a length.
TEST_F(HfDownloadTest, ACdnSendingMoreThanTheHubAnnouncedFailsAtOnceAndKeepsNothing) {
  hub.add_file(repo, "o.gguf", make_test_bytes(300 * 1024, 12), true);
  hub.set_cdn_query("chunked=1&overrun=4194304");
  auto streamed = ends_with(std::string{repo} + ":o.gguf");
  EXPECT_EQ(streamed.rfind("[ERROR] size_mismatch: ", 0), 0u) << streamed;
  EXPECT_NE(streamed.find("sent more than 307200 bytes"), std::string::npos) << streamed;
  EXPECT_TRUE(files_ending(".incomplete").empty());
  hub.set_cdn_query("announce=4194304");
  auto announced = ends_with(std::string{repo} + ":o.gguf");
  EXPECT_EQ(announced.rfind("[ERROR] size_mismatch: ", 0), 0u) << announced;
  EXPECT_NE(announced.find("announced 4194304 bytes, expected 307200"), std::string::npos)
      << announced;
  EXPECT_TRUE(files_ending(".incomplete").empty());
  EXPECT_FALSE(fs::exists(pointer("o.gguf")));
}

TEST_F(HfDownloadTest, ANewVersionBetweenAttemptsIsFetchedWholeNotStitched) {
  hub.add_file(repo, "v.gguf", make_test_bytes(2 * 1024 * 1024, 9), true);
  hub.set_cdn_query("reset_after=500000");
  ASSERT_NE(ends_with(std::string{repo} + ":v.gguf"), "[DONE]");
  auto fresh = make_test_bytes(2 * 1024 * 1024, 10);
  hub.add_file(repo, "v.gguf", fresh, true); // a new commit, a new ETag
  hub.set_cdn_query("");
  ASSERT_EQ(ends_with(std::string{repo} + ":v.gguf"), "[DONE]");
  EXPECT_EQ(hub.cdn().ranges().back(), "");
  EXPECT_EQ(sha256_hex(read_file(pointer("v.gguf"))), sha256_hex(fresh));
}

TEST_F(HfDownloadTest, CorruptedBytesFailTheChecksumAndAreNotKept) {
  hub.add_file(repo, "c.gguf", make_test_bytes(300 * 1024, 11), true);
  hub.add_file(repo, "c.json", R"({"a":1})", false);
  hub.corrupt(repo, "c.gguf");
  hub.corrupt(repo, "c.json");
  auto lfs = ends_with(std::string{repo} + ":c.gguf");
  EXPECT_EQ(lfs.rfind("[ERROR] checksum_mismatch: ", 0), 0u) << lfs;
  auto git = ends_with(std::string{repo} + ":c.json");
  EXPECT_EQ(git.rfind("[ERROR] checksum_mismatch: ", 0), 0u) << git;
  EXPECT_NE(git.find("git blob"), std::string::npos) << git;
  EXPECT_TRUE(files_ending(".incomplete").empty());
  EXPECT_FALSE(fs::exists(repo_dir() / "blobs" / hub.sha256(repo, "c.gguf")));
  EXPECT_FALSE(fs::exists(pointer("c.json")));
}

TEST_F(HfDownloadTest, HubRefusalsBecomeErrorsAPersonCanActOn) {
  hub.add_file(repo, "m.gguf", "model", true);
  hub.add_file("Private/Repo", "m.gguf", "model", true);
  hub.gate("Private/Repo", "hf_right");
  auto gated = ends_with("Private/Repo:m.gguf");
  EXPECT_EQ(gated.rfind("[ERROR] gated_repo: ", 0), 0u) << gated;
  EXPECT_NE(gated.find("HF_TOKEN"), std::string::npos);
  EXPECT_EQ(ends_with("Missing/Repo:m.gguf").rfind("[ERROR] repo_not_found: ", 0), 0u);
  EXPECT_EQ(ends_with(std::string{repo} + "@nope:m.gguf").rfind("[ERROR] revision_not_found: ", 0),
            0u);
  EXPECT_EQ(ends_with(std::string{repo} + ":absent.gguf").rfind("[ERROR] entry_not_found: ", 0),
            0u);
  EXPECT_EQ(ends_with("hf:Missing/Repo").rfind("[ERROR] repo_not_found: ", 0), 0u);
  // With the token the gate opens; the token can also come with the operation.
  auto job = start_download_with(R"("model":"Private/Repo:m.gguf","token":"hf_right",)");
  EXPECT_EQ(follow(job).final_data(), "[DONE]");
}

TEST_F(HfDownloadTest, AHubThatSaysLaterIsAskedAgainAndSaysSo) {
  hub.add_file(repo, "config.json", "{}", false);
  hub.refuse_next(2); // the revision API, then its first retry
  auto log = follow(start_download("hf:TheOrg/Tiny-GGUF"));
  ASSERT_EQ(log.final_data(), "[DONE]");
  std::size_t retries = 0;
  for (const auto& e : log.named("narration"))
    retries += e.data.find("trying again in") != std::string::npos ? 1 : 0;
  EXPECT_EQ(retries, 2u);
  EXPECT_EQ(read_file(pointer("config.json")), "{}");
}

TEST_F(HfDownloadTest, ARenamedRepositoryIsFollowedOnTheHub) {
  hub.add_file("New/Name", "m.gguf", "model bytes", true);
  hub.rename("Old/Name", "New/Name");
  ASSERT_EQ(ends_with("Old/Name:m.gguf"), "[DONE]");
  EXPECT_EQ(read_file(repo_dir("Old/Name") / "snapshots" / hub.commit("New/Name") / "m.gguf"),
            "model bytes");
}

TEST_F(HfDownloadTest, ATreeEntryOutsideTheSnapshotIsRefusedAndNothingWritten) {
  hub.add_file(repo, "ok.json", "{}", false);
  for (const char* hostile : {"../../evil", "/etc/evil", "a/../../evil"}) {
    test_hub_server bad;
    bad.add_file(repo, "ok.json", "{}", false);
    bad.add_hostile_entry(repo, hostile);
    auto settings = hub_settings();
    settings.jobs.vendors.of<hf_settings>().endpoint = bad.endpoint();
    restart(settings);
    auto end = ends_with("hf:TheOrg/Tiny-GGUF");
    EXPECT_EQ(end.rfind("[ERROR] unsafe_path: ", 0), 0u) << hostile << ": " << end;
    EXPECT_TRUE(bad.cdn().requests().empty());
  }
  EXPECT_TRUE(files_ending("evil").empty());
  EXPECT_FALSE(fs::exists(models_dir.parent_path() / "evil"));
}

TEST_F(HfDownloadTest, DeletingAModelRemovesItsSnapshotAndBlobsNoOneElseUses) {
  hub.add_file(repo, "shared.Q4_K_M.gguf", make_test_bytes(100 * 1024, 12), true);
  hub.add_file(repo, "config.json", "{}", false);
  ASSERT_EQ(ends_with("hf:TheOrg/Tiny-GGUF"), "[DONE]");
  ASSERT_EQ(ends_with(std::string{repo} + ":shared.Q4_K_M.gguf"), "[DONE]");
  auto shared_blob = repo_dir() / "blobs" / hub.sha256(repo, "shared.Q4_K_M.gguf");
  auto config_blob = repo_dir() / "blobs" / hub.git_sha1(repo, "config.json");
  ASSERT_TRUE(fs::exists(config_blob)) << testing::PrintToString(cache_entries());

  ASSERT_EQ(call("DELETE", "/v1/models/shared.Q4_K_M").status, 200u);
  EXPECT_TRUE(fs::exists(shared_blob)); // the snapshot model still uses it
  ASSERT_EQ(call("DELETE", "/v1/models/TheOrg.Tiny-GGUF").status, 200u);
  EXPECT_FALSE(fs::exists(shared_blob));
  EXPECT_FALSE(fs::exists(config_blob));
  EXPECT_FALSE(fs::exists(repo_dir() / "snapshots" / hub.commit(repo)));
  EXPECT_FALSE(fs::exists(repo_dir() / "refs" / "main"));
}

TEST_F(HfDownloadTest, TheCacheCanBeAnExistingHuggingFaceCache) {
  hub.add_file(repo, "m.gguf", "model", true);
  auto settings = hub_settings();
  settings.jobs.vendors.of<hf_settings>().cache = models_dir / "elsewhere";
  restart(settings);
  ASSERT_EQ(ends_with(std::string{repo} + ":m.gguf"), "[DONE]");
  EXPECT_EQ(read_file(models_dir / "elsewhere" / "models--TheOrg--Tiny-GGUF" / "snapshots"
                      / hub.commit(repo) / "m.gguf"),
            "model");
}

TEST_F(HfDownloadTest, TwoReferencesToTheSameBlobShareOneTransfer) {
  auto data = make_test_bytes(4 * 1024 * 1024, 13);
  hub.add_file(repo, "m.Q4_K_M.gguf", data, true);
  hub.set_cdn_query("rate=4000000");
  auto first = start_download(std::string{repo} + ":m.Q4_K_M.gguf");
  wait_for_bytes(first);
  auto second = follow(start_download(std::string{repo} + ":Q4_K_M")); // another id, the same blob
  EXPECT_EQ(second.final_data(), "[DONE]");
  EXPECT_EQ(follow(first).final_data(), "[DONE]");
  bool joined = false;
  for (const auto& e : second.named("narration"))
    joined = joined || e.data.find("joined the transfer of m.Q4_K_M.gguf") != std::string::npos;
  EXPECT_TRUE(joined);
  EXPECT_EQ(cdn_gets(), 1u);
  auto sent = hub.cdn().bytes_served();
  EXPECT_EQ(std::accumulate(sent.begin(), sent.end(), std::uint64_t{0}), data.size());
  EXPECT_EQ(sha256_hex(read_file(pointer("m.Q4_K_M.gguf"))), sha256_hex(data));
  EXPECT_EQ(get("/v1/models/Tiny-GGUF.Q4_K_M").status, 200u);
  EXPECT_TRUE(files_ending(".part").empty());
}

TEST_F(HfDownloadTest, IdenticalFilesInOneSnapshotShareOneBlob) {
  auto weights = make_test_bytes(300 * 1024, 14);
  for (const char* path : {"LICENSE", "sub/LICENSE"})
    hub.add_file(repo, path, "MIT", false);
  for (const char* path : {"a.safetensors", "copy/a.safetensors"})
    hub.add_file(repo, path, weights, true);
  ASSERT_EQ(ends_with("hf:TheOrg/Tiny-GGUF"), "[DONE]");
  for (const char* path : {"LICENSE", "sub/LICENSE"})
    EXPECT_EQ(read_file(pointer(path)), "MIT") << path;
  for (const char* path : {"a.safetensors", "copy/a.safetensors"})
    EXPECT_EQ(sha256_hex(read_file(pointer(path))), sha256_hex(weights)) << path;
  std::size_t blobs = 0;
  for (const auto& entry : fs::directory_iterator{repo_dir() / "blobs"})
    blobs += entry.is_regular_file() ? 1 : 0;
  EXPECT_EQ(blobs, 2u);
  auto entry = get("/v1/models/TheOrg.Tiny-GGUF");
  EXPECT_NE(entry.body.find("copy/a.safetensors"), std::string::npos) << entry.body;
}

TEST_F(HfDownloadTest, ASnapshotOfManySmallFilesOpensFewerConnectionsThanFiles) {
  constexpr int count = 24;
  for (int i = 0; i < count; ++i) {
    hub.add_file(repo, "small/" + std::to_string(i) + ".json", std::to_string(i), false);
    hub.add_file(repo, "lfs/" + std::to_string(i) + ".bin", make_test_bytes(4 * 1024, i), true);
  }
  ASSERT_EQ(ends_with("hf:TheOrg/Tiny-GGUF"), "[DONE]");
  EXPECT_EQ(read_file(pointer("small/7.json")), "7");
  EXPECT_EQ(sha256_hex(read_file(pointer("lfs/7.bin"))), sha256_hex(make_test_bytes(4 * 1024, 7)));
  // The API calls, the small files and the LFS redirects share kept-alive
  // connections to the hub; the LFS bytes share those to the CDN. At most a
  // job's files at once are under way, so about that many connections each.
  EXPECT_LT(hub.connections_accepted(), count);
  EXPECT_LT(hub.cdn().connections_accepted(), count / 2);
}

TEST_F(HfDownloadTest, ASignedCdnUrlIsNeverShownWithItsQuery) {
  hub.add_file(repo, "tiny.Q4_K_M.gguf", make_test_bytes(64 * 1024, 9), true);
  hub.set_cdn_query("X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=5ec2e7516e4a7");
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1024);
  auto logger = spdlog::default_logger();
  logger->sinks().push_back(sink);
  auto log = follow(start_download(std::string{repo} + ":tiny.Q4_K_M.gguf"));
  logger->sinks().pop_back();
  ASSERT_EQ(log.final_data(), "[DONE]");

  bool cdn_named = false;
  for (const auto& e : log.events) {
    EXPECT_EQ(e.data.find("X-Amz-"), std::string::npos) << e.data;
    cdn_named = cdn_named || e.data.find("fetch http://localhost:") != std::string::npos;
  }
  EXPECT_TRUE(cdn_named) << "the CDN the Hub redirected to is named, without its query";
  auto jobs = get("/v1/jobs");
  EXPECT_EQ(jobs.body.find("X-Amz-"), std::string::npos) << jobs.body;
  auto lines = sink->last_formatted();
  EXPECT_FALSE(lines.empty()) << "narration is logged";
  for (const auto& line : lines)
    EXPECT_EQ(line.find("X-Amz-"), std::string::npos) << line;
}

} // namespace
