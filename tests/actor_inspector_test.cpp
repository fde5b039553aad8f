// actor-inspector against the real provisiond: the supervision tree during a
// throttled download and after its cancel, --watch frames, a server that is down.

#include "net/http_client.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/test_file_server.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <thread>

using namespace hive::test;
namespace fs = std::filesystem;

namespace {

class ActorInspectorTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("inspector-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    files.add_file("slow.gguf", make_test_bytes(32 * 1024 * 1024));
    files.add_file("other.gguf", make_test_bytes(32 * 1024 * 1024, 2));
  }
  void TearDown() override {
    fs::remove_all(dir);
  }

  std::string inspector(const daemon_process& d) const {
    return std::string{ACTOR_INSPECTOR_PATH} + " --server " + d.url() + " ";
  }

  /// Starts a download throttled to 2 MB/s (16 s for the file) and returns its job id.
  std::string start_slow_download(const daemon_process& d, const std::string& file = "slow.gguf") {
    auto reply =
        hive::net::http_call("POST", d.url() + "/v1/jobs",
                             R"({"operation":"model_download","model":"url:)" + files.base_url()
                                 + "/files/" + file + R"(?rate=2000000"})");
    EXPECT_EQ(reply.status, 201u) << reply.body << reply.error;
    simdjson::dom::parser parser;
    std::string_view job_id;
    EXPECT_EQ(parser.parse(reply.body)["job_id"].get(job_id), simdjson::SUCCESS) << reply.body;
    return std::string{job_id};
  }

  /// The inspector's `--json` snapshot, parsed.
  std::vector<listed_actor> snapshot(const daemon_process& d) {
    auto [code, out] = run(inspector(d) + "--json");
    EXPECT_EQ(code, 0) << out;
    return parse_actor_list(out);
  }

  /// Snapshots until `done` holds for one (at most 10 s); returns the last.
  std::vector<listed_actor>
  snapshot_until(const daemon_process& d,
                 const std::function<bool(const std::vector<listed_actor>&)>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    auto actors = snapshot(d);
    while (!done(actors) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
      actors = snapshot(d);
    }
    return actors;
  }

  static std::optional<listed_actor> find(const std::vector<listed_actor>& actors,
                                          std::string_view kind, const std::string& job_id) {
    for (const auto& a : actors)
      if (a.kind == kind && a.job_id == job_id)
        return a;
    return std::nullopt;
  }

  fs::path dir;
  test_file_server files;
};

TEST_F(ActorInspectorTest, ShowsTheVendorUnderItsSupervisorUntilTheJobIsCancelled) {
  daemon_process daemon{{"--models-dir", (dir / "models").string()}};
  auto job = start_slow_download(daemon);
  auto actors = snapshot_until(daemon, [&](const auto& now) {
    auto vendor = find(now, "url_vendor", job);
    return vendor && vendor->bytes_per_sec.value_or(0) > 0;
  });

  auto router = of_kind(actors, "job_router");
  auto supervisor = find(actors, "job_supervisor", job);
  auto vendor = find(actors, "url_vendor", job);
  ASSERT_EQ(router.size(), 1u);
  ASSERT_TRUE(supervisor);
  ASSERT_TRUE(vendor) << "no url_vendor for " << job;
  EXPECT_EQ(supervisor->parent, router[0].id);
  EXPECT_EQ(supervisor->state, "running");
  EXPECT_EQ(vendor->parent, supervisor->id);
  EXPECT_EQ(vendor->name, "url_vendor");
  EXPECT_EQ(vendor->state, "transferring");
  EXPECT_GT(vendor->bytes_per_sec.value_or(0), 0u);
  EXPECT_LT(vendor->bytes_per_sec.value_or(0), 4'000'000u) << "throttled to 2 MB/s";
  for (const char* kind : {"tracker", "narration"}) {
    auto helper = find(actors, kind, job);
    ASSERT_TRUE(helper) << kind;
    EXPECT_EQ(helper->parent, supervisor->id) << kind;
  }
  EXPECT_GT(find(actors, "tracker", job)->messages.value_or(0), 0u) << "progress updates";

  auto cancel = hive::net::http_call("POST", daemon.url() + "/v1/jobs/" + job + "/cancel");
  ASSERT_EQ(cancel.status, 200u) << cancel.body;
  // The cancel is answered once the vendor is down; the registry hears of the
  // supervisor's own end a moment later.
  actors = snapshot_until(daemon, [&](const auto& now) {
    return !find(now, "url_vendor", job) && !find(now, "job_supervisor", job);
  });
  EXPECT_FALSE(find(actors, "url_vendor", job));
  EXPECT_FALSE(find(actors, "job_supervisor", job));
  EXPECT_EQ(of_kind(actors, "job_router").size(), 1u);
}

TEST_F(ActorInspectorTest, WatchDrawsFramesAndMarksWhatAppearedAndWhatIsGone) {
  daemon_process daemon{{"--models-dir", (dir / "models").string()}};
  auto job = start_slow_download(daemon);
  snapshot_until(daemon, [&](const auto& now) { return find(now, "url_vendor", job).has_value(); });
  // Frame 1, then the cancel and another job (well within the interval), then frame 2.
  FILE* out = ::popen((inspector(daemon) + "--watch --iterations 2 --interval 4").c_str(), "r");
  ASSERT_NE(out, nullptr);
  std::string frames;
  char line[1024];
  bool cancelled = false;
  while (std::fgets(line, sizeof(line), out)) {
    frames += line;
    // The vendor, spawned last, is the frame's last line.
    if (!cancelled && std::string_view{line}.find("url_vendor") != std::string_view::npos) {
      auto cancel = hive::net::http_call("POST", daemon.url() + "/v1/jobs/" + job + "/cancel");
      EXPECT_EQ(cancel.status, 200u) << cancel.body;
      cancelled = true;
      auto other = start_slow_download(daemon, "other.gguf");
      snapshot_until(daemon, [&](const auto& now) {
        return find(now, "url_vendor", other) && !find(now, "job_supervisor", job);
      });
    }
  }
  int status = ::pclose(out);
  EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0) << frames;
  ASSERT_TRUE(cancelled) << frames;

  auto second = frames.find("provisiond " + daemon.url(), 1);
  ASSERT_NE(second, std::string::npos) << "two frames, each with its header:\n" << frames;
  auto first_frame = frames.substr(0, second);
  auto second_frame = frames.substr(second);
  for (const char* kind : {"job_router", "job_supervisor", "url_vendor", "tracker", "narration"})
    EXPECT_NE(first_frame.find(kind), std::string::npos) << kind << " in\n" << first_frame;
  EXPECT_NE(first_frame.find("└─ job_supervisor"), std::string::npos) << first_frame;
  // In the frame after, the cancelled job's actors are drawn once more, marked
  // gone; the other job's are marked new.
  EXPECT_NE(second_frame.find("(+4 -4)"), std::string::npos) << second_frame;
  for (const char* kind : {"job_supervisor", "url_vendor"}) {
    auto at = second_frame.find(kind);
    ASSERT_NE(at, std::string::npos) << kind << " in\n" << second_frame;
    auto line_start = second_frame.rfind('\n', at) + 1;
    EXPECT_EQ(second_frame[line_start], '-') << second_frame.substr(line_start, at - line_start);
    EXPECT_NE(second_frame.find("gone", at), std::string::npos);
    auto again = second_frame.find(kind, at + 1);
    ASSERT_NE(again, std::string::npos) << "the other job's " << kind << " in\n" << second_frame;
    EXPECT_EQ(second_frame[second_frame.rfind('\n', again) + 1], '+') << second_frame;
  }
}

TEST_F(ActorInspectorTest, SaysWhenTheServerIsDown) {
  for (const char* mode : {"--json", "--watch", ""}) {
    auto [code, out] =
        run(std::string{ACTOR_INSPECTOR_PATH} + " --server http://127.0.0.1:1 " + mode);
    EXPECT_EQ(code, 2) << mode;
    EXPECT_NE(out.find("actor-inspector: cannot connect to 127.0.0.1:1"), std::string::npos)
        << mode << ": " << out;
  }
  auto [usage_code, usage] = run(std::string{ACTOR_INSPECTOR_PATH} + " --interval zero");
  EXPECT_EQ(usage_code, 2);
  EXPECT_NE(usage.find("--interval needs a positive number"), std::string::npos) << usage;
  for (const char* bad : {" --iterations 0.5", " --interval inf", " --interval 1e300"}) {
    auto [bad_code, bad_out] = run(std::string{ACTOR_INSPECTOR_PATH} + bad);
    EXPECT_EQ(bad_code, 2) << bad;
    EXPECT_NE(bad_out.find("needs a positive"), std::string::npos) << bad << ": " << bad_out;
  }
}

} // namespace
