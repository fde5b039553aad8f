// The real binaries: options, config file, signals, CLI exit codes.

#include "tests/support/daemon_process.hpp"
#include "tests/support/test_file_server.hpp"
#include "tests/support/test_github_server.hpp"
#include "tests/support/test_hub_server.hpp"
#include "tests/support/test_registry.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>

using namespace hive::test;
namespace fs = std::filesystem;

namespace {

class DaemonTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("daemon-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
  }
  void TearDown() override {
    fs::remove_all(dir);
  }
  std::string cli(const daemon_process& d) {
    return std::string{PROVISION_PATH} + " --server " + d.url() + " ";
  }
  fs::path dir;
};

} // namespace

TEST_F(DaemonTest, HelpListsEveryOption) {
  auto [code, text] = run(std::string{PROVISIOND_PATH} + " --help");
  EXPECT_EQ(code, 0);
  for (const char* option :
       {"--listen", "--models-dir", "--config", "--max-concurrent", "--heartbeat-secs",
        "--stall-timeout-secs", "--ca-file", "--max-download-size", "--max-rate"})
    EXPECT_NE(text.find(option), std::string::npos) << option;
  auto [bad, message] = run(std::string{PROVISIOND_PATH} + " --max-concurrent zero");
  EXPECT_EQ(bad, 2);
  EXPECT_NE(message.find("--max-concurrent"), std::string::npos) << message;
}

TEST_F(DaemonTest, ABadRecipesFileStopsStartUpWithItsReason) {
  auto recipes = dir / "recipes.json";
  std::ofstream{recipes} << R"({"recipes":{"r":{"workdir":"relative","command":["make"]}}})";
  auto [code, message] = run(std::string{PROVISIOND_PATH} + " --recipes " + recipes.string());
  EXPECT_EQ(code, 2);
  EXPECT_NE(message.find("--recipes " + recipes.string()
                         + ": recipe 'r': 'workdir' must be an absolute path"),
            std::string::npos)
      << message;
}

TEST_F(DaemonTest, AConfigLineWithoutAValueStopsStartUpNamingItsLine) {
  auto config = dir / "provisiond.conf";
  std::ofstream{config} << "# the node's settings\nmax-concurrent = 2\n\n  parallel-files  # no value\n";
  auto [code, message] = run(std::string{PROVISIOND_PATH} + " --config " + config.string());
  EXPECT_EQ(code, 2);
  EXPECT_NE(message.find(config.string() + ":4: expected key = value"), std::string::npos)
      << message;
}

TEST_F(DaemonTest, StartUpCollectsPartialsThatCannotBeResumed) {
  auto models = dir / "models";
  fs::create_directories(models / "a");
  std::ofstream{models / "a" / "stale.gguf.part"} << "no validator: never resumable";
  std::ofstream{models / "a" / "live.gguf.part"} << "resumable";
  std::ofstream{models / "a" / "live.gguf.part.validator"} << "\"v1\"\n";
  daemon_process daemon{{"--models-dir", models.string()}};
  EXPECT_FALSE(fs::exists(models / "a" / "stale.gguf.part"));
  EXPECT_TRUE(fs::exists(models / "a" / "live.gguf.part"));
  EXPECT_TRUE(fs::exists(models / "a" / "live.gguf.part.validator"));
}

TEST_F(DaemonTest, MaxDownloadSizeCapsUrlDownloads) {
  test_file_server files;
  files.add_file("big.gguf", make_test_bytes(3 * 1024));
  files.add_file("ok.gguf", make_test_bytes(2 * 1024));
  std::ofstream{dir / "provisiond.conf"} << "max-download-size = 2K\n";
  daemon_process daemon{
      {"--models-dir", (dir / "models").string(), "--config", (dir / "provisiond.conf").string()}};
  auto [refused, why] = run(cli(daemon) + "download url:" + files.base_url() + "/files/big.gguf");
  EXPECT_EQ(refused, 1) << why;
  EXPECT_NE(why.find("size_mismatch"), std::string::npos) << why;
  EXPECT_NE(why.find("download size limit of 2048"), std::string::npos) << why;
  auto [ok, out] = run(cli(daemon) + "download url:" + files.base_url() + "/files/ok.gguf");
  EXPECT_EQ(ok, 0) << out;

  auto [bad, message] = run(std::string{PROVISIOND_PATH} + " --max-download-size 2X");
  EXPECT_EQ(bad, 2);
  EXPECT_NE(message.find("--max-download-size"), std::string::npos) << message;
}

TEST_F(DaemonTest, MaxRateCapsDownloadsAndTheCliShowsTheCapAndTheConnections) {
  test_file_server files;
  files.add_file("capped.gguf", make_test_bytes(512 * 1024));
  daemon_process daemon{{"--models-dir", (dir / "models").string(), "--max-rate", "1.5M"}};
  // The job's own cap is lower: it binds.
  auto [ok, out] = run(cli(daemon) + "download url:" + files.base_url()
                       + "/files/capped.gguf --max-rate 512K");
  EXPECT_EQ(ok, 0) << out;
  EXPECT_NE(out.find("/s \u00d71 (cap 524.3 kB/s)"), std::string::npos) << out;

  auto [bad_cli, why] = run(cli(daemon) + "download url:" + files.base_url()
                            + "/files/capped.gguf --max-rate fast");
  EXPECT_EQ(bad_cli, 2);
  EXPECT_NE(why.find("--max-rate: expected bytes per second"), std::string::npos) << why;
  auto [bad, message] = run(std::string{PROVISIOND_PATH} + " --max-rate 1.5X");
  EXPECT_EQ(bad, 2);
  EXPECT_NE(message.find("--max-rate: expected a number of bytes"), std::string::npos) << message;
}

TEST_F(DaemonTest, ConfigFileSetsOptionsAndSigtermStopsQuickly) {
  std::ofstream{dir / "provisiond.conf"}
      << "# test config\nmodels-dir = " << (dir / "models").string() << "\nmax-concurrent = 2\n";
  daemon_process daemon{{"--config", (dir / "provisiond.conf").string()}};
  EXPECT_EQ(run("curl -sf " + daemon.url() + "/health").first, 0);
  EXPECT_TRUE(fs::is_directory(dir / "models"));
  auto [code, took] = daemon.stop(SIGTERM);
  EXPECT_EQ(code, 0);
  EXPECT_LT(took, std::chrono::seconds{2});
}

TEST_F(DaemonTest, SigintDuringADownloadStopsQuickly) {
  test_file_server files;
  files.add_file("slow.gguf", make_test_bytes(32 * 1024 * 1024));
  daemon_process daemon{{"--models-dir", (dir / "models").string()}};
  auto [code, out] =
      run("curl -sf -X POST -H 'Content-Type: application/json' -d "
          "'{\"operation\":\"model_download\",\"model\":\"url:"
          + files.base_url() + "/files/slow.gguf?rate=1000000\"}' " + daemon.url() + "/v1/jobs");
  ASSERT_EQ(code, 0) << out;
  std::this_thread::sleep_for(std::chrono::milliseconds{300});
  auto [exit_code, took] = daemon.stop(SIGINT);
  EXPECT_EQ(exit_code, 0);
  EXPECT_LT(took, std::chrono::seconds{2});
}

TEST_F(DaemonTest, CliDownloadsListsAndRemovesWithMeaningfulExitCodes) {
  test_file_server files;
  auto data = make_test_bytes(512 * 1024);
  files.add_file("cli.gguf", data);
  daemon_process daemon{{"--models-dir", (dir / "models").string()}};
  auto [ok, out] = run(cli(daemon) + "download url:" + files.base_url()
                       + "/files/cli.gguf --sha256 " + sha256_hex(data));
  EXPECT_EQ(ok, 0) << out;
  EXPECT_NE(out.find("100.0%"), std::string::npos) << out;
  EXPECT_EQ(sha256_hex(read_file(dir / "models" / "cli" / "cli.gguf")), sha256_hex(data));
  auto [listed, models] = run(cli(daemon) + "models");
  EXPECT_EQ(listed, 0);
  EXPECT_NE(models.find("cli"), std::string::npos) << models;
  auto [jobs_code, jobs] = run(cli(daemon) + "jobs");
  EXPECT_EQ(jobs_code, 0);
  EXPECT_NE(jobs.find("completed"), std::string::npos) << jobs;

  auto [bad_sum, why] = run(cli(daemon) + "download url:" + files.base_url()
                            + "/files/cli.gguf --sha256 " + std::string(64, 'f'));
  EXPECT_EQ(bad_sum, 1) << why;
  EXPECT_NE(why.find("checksum_mismatch"), std::string::npos) << why;
  auto [bad_ref, ref_why] = run(cli(daemon) + "download nope");
  EXPECT_EQ(bad_ref, 1);
  EXPECT_NE(ref_why.find("invalid_model_ref"), std::string::npos) << ref_why;

  EXPECT_EQ(run(cli(daemon) + "rm cli").first, 0);
  EXPECT_FALSE(fs::exists(dir / "models" / "cli"));
  EXPECT_EQ(run(cli(daemon) + "rm cli").first, 1);
}

TEST_F(DaemonTest, CliInterruptCancelsTheJob) {
  test_file_server files;
  files.add_file("int.gguf", make_test_bytes(32 * 1024 * 1024));
  daemon_process daemon{{"--models-dir", (dir / "models").string()}};
  auto [code, out] = run("timeout --preserve-status -s INT 1 " + cli(daemon)
                         + "download url:" + files.base_url() + "/files/int.gguf?rate=2000000");
  EXPECT_EQ(code, 130) << out;
  EXPECT_NE(out.find("cancelled"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir / "models" / "int"));
}

TEST_F(DaemonTest, CliFetchesAQuantisationAndAFilteredSnapshotFromTheHub) {
  const std::string repo = "TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF";
  test_hub_server hub;
  auto q4 = make_test_bytes(400 * 1024, 21);
  hub.add_file(repo, "tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf", q4, true);
  hub.add_file(repo, "tinyllama-1.1b-chat-v1.0.Q8_0.gguf", make_test_bytes(100, 22), true);
  hub.add_file(repo, "config.json", "{}", false);
  auto cache = dir / "hf-cache";
  daemon_process daemon{{"--models-dir", (dir / "models").string(), "--hf-endpoint", hub.endpoint(),
                         "--hf-cache", cache.string()}};
  auto [code, out] = run(cli(daemon) + "download " + repo + ":Q4_K_M");
  ASSERT_EQ(code, 0) << out;
  auto snapshot =
      cache / "models--TheBloke--TinyLlama-1.1B-Chat-v1.0-GGUF" / "snapshots" / hub.commit(repo);
  EXPECT_EQ(sha256_hex(read_file(snapshot / "tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf")),
            sha256_hex(q4));
  auto [snap_code, snap_out] =
      run(cli(daemon) + "download hf:" + repo + " --include '*.json' --include '*Q8_0*'");
  ASSERT_EQ(snap_code, 0) << snap_out;
  EXPECT_TRUE(fs::exists(snapshot / "config.json"));
  EXPECT_TRUE(fs::exists(snapshot / "tinyllama-1.1b-chat-v1.0.Q8_0.gguf"));
  auto [models_code, models] = run(cli(daemon) + "models");
  EXPECT_NE(models.find("TinyLlama-1.1B-Chat-v1.0-GGUF.Q4_K_M"), std::string::npos) << models;
}

TEST_F(DaemonTest, CliPullsFromTheConfiguredOllamaRegistryIntoOllamasStore) {
  test_registry registry;
  auto model = make_test_bytes(300 * 1024, 23);
  auto manifest = registry.push_model("library/tiny", "latest",
                                      {{"application/vnd.ollama.image.model", model},
                                       {"application/vnd.ollama.image.template", "{{ .Prompt }}"}});
  auto store = dir / "ollama";
  daemon_process daemon{{"--models-dir", (dir / "models").string(), "--ollama-registry",
                         registry.base(), "--ollama-models", store.string()}};
  auto [code, out] = run(cli(daemon) + "download ollama:tiny");
  ASSERT_EQ(code, 0) << out;
  // Filed under the registry the name means, where `ollama run tiny` looks.
  EXPECT_EQ(read_file(store / "manifests" / "registry.ollama.ai" / "library" / "tiny" / "latest"),
            manifest);
  EXPECT_EQ(read_file(store / "blobs" / ("sha256-" + sha256_hex(model))), model);
  auto [models_code, models] = run(cli(daemon) + "models");
  EXPECT_NE(models.find("tiny.latest"), std::string::npos) << models;
}

TEST_F(DaemonTest, CliFetchesAGithubAssetAndImportsALocalFile) {
  test_github_server github;
  auto asset = make_test_bytes(200 * 1024, 24);
  github.add_release("acme/models", "v1");
  github.add_asset("acme/models", "v1", "tiny.Q4_K_M.gguf", asset);
  auto local = dir / "weights.bin";
  std::ofstream{local, std::ios::binary} << "local weights";
  auto models = dir / "models";
  daemon_process daemon{{"--models-dir", models.string(), "--github-api", github.api_url(),
                         "--import-root", dir.string()}};
  auto [gh_code, gh_out] = run(cli(daemon) + "download 'gh:acme/models@v1:*.gguf'");
  ASSERT_EQ(gh_code, 0) << gh_out;
  EXPECT_EQ(read_file(models / "models.v1" / "tiny.Q4_K_M.gguf"), asset);
  auto [local_code, local_out] = run(cli(daemon) + "download local:" + local.string());
  ASSERT_EQ(local_code, 0) << local_out;
  EXPECT_EQ(read_file(models / "weights" / "weights.bin"), "local weights");
  auto [missing_code, missing_out] = run(cli(daemon) + "download local:" + (dir / "nope").string());
  EXPECT_EQ(missing_code, 1) << missing_out;
  EXPECT_NE(missing_out.find("entry_not_found"), std::string::npos) << missing_out;
}

TEST_F(DaemonTest, TokenFilesMustBePrivateAndTheirTokenIsUsed) {
  const std::string repo = "acme/private-model";
  test_hub_server hub;
  hub.add_file(repo, "tiny.gguf", make_test_bytes(100 * 1024, 25), true);
  hub.gate(repo, "hf_from_file");
  auto token = dir / "hf-token";
  std::ofstream{token} << "hf_from_file\n";
  fs::permissions(token, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  for (const char* option : {"--hf-token-file", "--github-token-file"}) {
    // Bounded: a daemon that accepted the file would run until stopped.
    auto [code, message] = run("timeout 5 " + std::string{PROVISIOND_PATH}
                               + " --listen 127.0.0.1:0 " + option + " " + token.string());
    EXPECT_EQ(code, 2) << option;
    EXPECT_NE(message.find(std::string{option} + ": " + token.string()
                           + " may be read by its group or others; make it private with chmod 600"),
              std::string::npos)
        << message;
  }
  fs::permissions(token, fs::perms::owner_read | fs::perms::owner_write);
  daemon_process daemon{{"--models-dir", (dir / "models").string(), "--hf-endpoint", hub.endpoint(),
                         "--hf-token-file", token.string()}};
  auto [code, out] = run(cli(daemon) + "download hf:" + repo + ":tiny.gguf");
  EXPECT_EQ(code, 0) << out;
  auto authorizations = hub.authorizations();
  ASSERT_FALSE(authorizations.empty());
  EXPECT_EQ(authorizations.front(), "Bearer hf_from_file") << "the newline is not part of it";
}

TEST_F(DaemonTest, AKillMidImportLeavesOnlyALinkThatNoDownloadWritesAndStartUpRemoves) {
  // 2 GiB, sparse: hashing it lasts long enough to kill the daemon mid-import.
  auto source = dir / "src" / "big.gguf";
  fs::create_directories(source.parent_path());
  { std::ofstream{source}; }
  fs::resize_file(source, 2ULL * 1024 * 1024 * 1024);
  auto models = dir / "models";
  auto link = models / "big" / "big.gguf.importing";
  {
    daemon_process daemon{
        {"--models-dir", models.string(), "--import-root", source.parent_path().string()}};
    auto [code, out] = run("curl -sf -X POST -H 'Content-Type: application/json' -d "
                           "'{\"operation\":\"model_download\",\"model\":\"local:"
                           + source.string() + "\"}' " + daemon.url() + "/v1/jobs");
    ASSERT_EQ(code, 0) << out;
    for (int i = 0; i < 500 && !fs::exists(link); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    ASSERT_TRUE(fs::exists(link));
    daemon.stop(SIGKILL);
  }
  EXPECT_EQ(fs::hard_link_count(source), 2u) << "the crash left the link";
  EXPECT_FALSE(fs::exists(models / "big" / "big.gguf.part")) << "never where a download resumes";

  // The next start removes it; a download of the same id then writes only its own file.
  test_file_server files;
  files.add_file("big.gguf", "23 bytes of another file");
  daemon_process daemon{{"--models-dir", models.string()}};
  EXPECT_FALSE(fs::exists(link));
  EXPECT_EQ(fs::hard_link_count(source), 1u);
  auto [code, out] = run(cli(daemon) + "download url:" + files.base_url() + "/files/big.gguf");
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(read_file(models / "big" / "big.gguf"), "23 bytes of another file");
  EXPECT_EQ(fs::file_size(source), 2ULL * 1024 * 1024 * 1024);
  EXPECT_EQ(fs::hard_link_count(source), 1u);
}

TEST_F(DaemonTest, CliSaysWhenTheServerIsDown) {
  auto [code, out] = run(std::string{PROVISION_PATH} + " --server http://127.0.0.1:1 jobs");
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("cannot connect"), std::string::npos) << out;
}

TEST_F(DaemonTest, MaxQueuedRefusesJobsBeyondTheQueueWith429AndRetryAfter) {
  test_file_server files;
  daemon_process daemon{{"--models-dir", (dir / "models").string(), "--max-concurrent", "1",
                         "--max-queued", "1"}};
  auto post = [&](const std::string& name) {
    files.add_file(name, make_test_bytes(1024 * 1024));
    return run("curl -s -i -X POST -H 'Content-Type: application/json' -d "
               "'{\"operation\":\"model_download\",\"model\":\"url:"
               + files.base_url() + "/files/" + name + "?rate=100000\"}' " + daemon.url()
               + "/v1/jobs");
  };
  EXPECT_NE(post("a.gguf").second.find("HTTP/1.1 201"), std::string::npos); // running
  EXPECT_NE(post("b.gguf").second.find("HTTP/1.1 201"), std::string::npos); // queued
  auto [code, refused] = post("c.gguf");
  EXPECT_EQ(code, 0);
  EXPECT_NE(refused.find("HTTP/1.1 429"), std::string::npos) << refused;
  EXPECT_NE(refused.find("Retry-After: 30"), std::string::npos) << refused;
  EXPECT_NE(refused.find("\"too_many_jobs\""), std::string::npos) << refused;
}
