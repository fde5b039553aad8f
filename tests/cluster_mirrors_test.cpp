// Each file crosses the internet once: three real provisiond processes on
// loopback with the same cluster secret, a test file server as the origin
// that counts what it sends, and `url:` jobs with a sha256 (the refusal of
// blob requests without the token is DaemonAccessTest's).

#include "net/host/sha256.hpp"
#include "net/http_client.hpp"
#include "tests/support/hive_cluster.hpp"
#include "tests/support/test_file_server.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

/// Ceilings for a loaded machine; a passing run takes far less.
constexpr auto job_deadline = std::chrono::milliseconds{90s};

std::string sha256_of(const std::string& content) {
  net::sha256_hasher h;
  h.update(content.data(), content.size());
  return h.hex_digest();
}

std::string random_content(std::size_t size) {
  std::mt19937_64 rng{size};
  std::string out(size, '\0');
  for (auto& c : out)
    c = static_cast<char>(rng());
  return out;
}

/// A job's events as its stream gave them.
struct job_events {
  std::vector<net::sse_event> events;

  bool done() const {
    return !events.empty() && events.back().data == "[DONE]";
  }
  bool says(const std::string& text) const {
    return std::any_of(events.begin(), events.end(), [&](const net::sse_event& e) {
      return e.name == "narration" && e.data.find(text) != std::string::npos;
    });
  }
  bool progress_with(const std::string& text) const {
    return std::any_of(events.begin(), events.end(), [&](const net::sse_event& e) {
      return e.name == "progress" && e.data.find(text) != std::string::npos;
    });
  }
  /// The bytes from `source` in the last progress event (0 when none says).
  std::uint64_t last_from(const std::string& source) const {
    for (auto e = events.rbegin(); e != events.rend(); ++e)
      if (e->name == "progress") {
        auto at = e->data.find("\"" + source + "\":");
        return at == std::string::npos ? 0 : std::stoull(e->data.substr(at + source.size() + 3));
      }
    return 0;
  }
  std::string all() const {
    std::string out;
    for (const auto& e : events)
      out += e.name + ": " + e.data + "\n";
    return out;
  }
};

class ClusterMirrorsTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("mirrors-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    secret = dir / "cluster-secret";
    std::ofstream{secret} << "cluster-secret-for-mirrors\n";
    fs::permissions(secret, fs::perms::owner_read | fs::perms::owner_write);
    hives = std::make_unique<hive_cluster>(dir);
  }
  void TearDown() override {
    hives.reset();
    fs::remove_all(dir);
  }

  /// Starts hives a, b and c (b and c through a) and waits until all see each other.
  void start_three() {
    start_hives({"a", "b", "c"});
  }

  /// Starts the hives `ids` with the cluster secret, all but the first
  /// joining the first, and waits until all see each other. `last_args` go to
  /// the last one.
  void start_hives(const std::vector<std::string>& ids, std::vector<std::string> last_args = {}) {
    std::map<std::string, std::string> want;
    for (const auto& id : ids) {
      auto args = id == ids.front() ? std::vector<std::string>{} : hives->join(ids.front());
      args.insert(args.end(), {"--cluster-secret-file", secret.string()});
      if (id == ids.back())
        args.insert(args.end(), last_args.begin(), last_args.end());
      hives->start(id, args);
      want[id] = "up";
    }
    for (const auto& id : ids)
      ASSERT_EQ(hives->await_states(id, want, join_deadline), want)
          << "as hive " << id << " sees it";
  }

  std::string submit(const std::string& hive, const std::string& url, const std::string& sha256) {
    auto reply = net::http_call("POST", (*hives)[hive].url() + "/v1/jobs",
                                R"({"operation":"model_download","model":"url:)" + url
                                    + R"(","sha256":")" + sha256 + "\"}");
    EXPECT_EQ(reply.status, 201u) << reply.body << reply.error;
    auto at = reply.body.find("\"job_id\":\"");
    return at == std::string::npos
               ? ""
               : reply.body.substr(at + 10, reply.body.find('"', at + 10) - at - 10);
  }

  /// Follows a job until its end, or until `until` says stop.
  job_events follow(const std::string& hive, const std::string& job_id,
                    const std::function<bool(const job_events&)>& until = {}) {
    job_events out;
    net::read_sse((*hives)[hive].url() + "/v1/jobs/" + job_id + "/stream",
                  [&](const net::sse_event& e) {
                    out.events.push_back(e);
                    return !(until && until(out));
                  },
                  {}, job_deadline);
    return out;
  }

  /// The content of the file named `name` in `hive`'s models folder.
  std::string landed(const std::string& hive, const std::string& name) {
    for (const auto& entry : fs::recursive_directory_iterator(hives->models_dir(hive)))
      if (entry.path().filename() == name && entry.is_regular_file()) {
        std::ifstream in{entry.path(), std::ios::binary};
        return {std::istreambuf_iterator<char>{in}, {}};
      }
    return {};
  }

  /// GETs of `/files/<name>` the origin answered, and the bytes it sent for them.
  std::pair<std::size_t, std::uint64_t> origin_traffic(const std::string& name) {
    auto targets = origin.requests();
    auto sent = origin.bytes_served();
    std::pair<std::size_t, std::uint64_t> out{0, 0};
    for (std::size_t i = 0; i < targets.size() && i < sent.size(); ++i)
      if (targets[i].starts_with("/files/" + name)) {
        ++out.first;
        out.second += sent[i];
      }
    return out;
  }

  struct offered {
    std::string content;
    std::string sha256;
  };
  /// `size` random bytes the origin serves as `/files/<name>`.
  offered offer(const std::string& name, std::size_t size) {
    auto content = random_content(size);
    auto sha256 = sha256_of(content);
    origin.add_file(name, content);
    return {std::move(content), std::move(sha256)};
  }

  fs::path dir;
  fs::path secret;
  test_file_server origin;
  std::unique_ptr<hive_cluster> hives;
};

TEST_F(ClusterMirrorsTest, AFileOneHiveHoldsIsFetchedFromItNotFromTheOrigin) {
  start_three();
  auto [content, sha256] = offer("model.gguf", 3 << 20);
  auto url = origin.base_url() + "/files/model.gguf";

  auto on_a = follow("a", submit("a", url, sha256));
  ASSERT_TRUE(on_a.done()) << on_a.all();
  auto [gets_for_a, bytes_for_a] = origin_traffic("model.gguf");
  EXPECT_GE(bytes_for_a, content.size());

  auto on_b = follow("b", submit("b", url, sha256));
  ASSERT_TRUE(on_b.done()) << on_b.all();
  EXPECT_EQ(origin_traffic("model.gguf").first, gets_for_a) << "b went to the origin";
  EXPECT_TRUE(on_b.says("found model.gguf on hive a")) << on_b.all();
  EXPECT_TRUE(on_b.progress_with("\"hive a\":")) << on_b.all();
  EXPECT_TRUE(on_b.says("from hive a")) << on_b.all();
  EXPECT_EQ(sha256_of(landed("b", "model.gguf")), sha256);
}

TEST_F(ClusterMirrorsTest, WithClusterMirrorsZeroAHiveFetchesFromTheOriginThoughAPeerHoldsIt) {
  start_hives({"a", "b"}, {"--cluster-mirrors", "0"});
  auto [content, sha256] = offer("model.gguf", 1 << 20);
  auto url = origin.base_url() + "/files/model.gguf";
  ASSERT_TRUE(follow("a", submit("a", url, sha256)).done());
  auto gets_for_a = origin_traffic("model.gguf").first;

  auto on_b = follow("b", submit("b", url, sha256));
  ASSERT_TRUE(on_b.done()) << on_b.all();
  EXPECT_GT(origin_traffic("model.gguf").first, gets_for_a) << "b did not go to the origin";
  EXPECT_FALSE(on_b.says("from hive a")) << on_b.all();
}

TEST_F(ClusterMirrorsTest, AHiveThatDoesNotAnswerIsWaitedForAsLongAsClusterMirrorMsSays) {
  start_hives({"a", "b"}, {"--cluster-mirror-ms", "3000"});
  auto [content, sha256] = offer("model.gguf", 1 << 20);
  // Stopped, a stays linked (and up) but answers nothing.
  ASSERT_EQ(::kill((*hives)["a"].pid(), SIGSTOP), 0);
  auto began = std::chrono::steady_clock::now();
  auto on_b = follow("b", submit("b", origin.base_url() + "/files/model.gguf", sha256));
  auto took = std::chrono::steady_clock::now() - began;
  ::kill((*hives)["a"].pid(), SIGCONT);
  ASSERT_TRUE(on_b.done()) << on_b.all();
  EXPECT_GE(took, 3s) << "b did not wait for a as long as --cluster-mirror-ms (the default is 2 s)";
  EXPECT_EQ(sha256_of(landed("b", "model.gguf")), sha256);
}

TEST_F(ClusterMirrorsTest, TwoHivesAskingAtOnceGetAboutOneCopyFromTheOrigin) {
  start_three();
  auto [content, sha256] = offer("big.bin", 24 << 20);
  // Slow, as a CDN capping a connection is: b asks while a is still fetching
  // (a records what landed every 4 MiB, about every second).
  auto url = origin.base_url() + "/files/big.bin?rate=4000000";

  auto job_a = submit("a", url, sha256);
  auto started =
      follow("a", job_a, [](const job_events& e) { return e.progress_with("\"bytes\":"); });
  auto job_b = submit("b", url, sha256);
  auto on_b = follow("b", job_b);
  auto on_a = follow("a", job_a);
  ASSERT_TRUE(on_a.done()) << on_a.all();
  ASSERT_TRUE(on_b.done()) << on_b.all();
  EXPECT_TRUE(on_b.says("found big.bin on hive a")) << on_b.all();
  auto sent = origin_traffic("big.bin").second;
  RecordProperty("origin_bytes", std::to_string(sent));
  EXPECT_LE(sent, content.size() * 5 / 4) << "the origin sent " << sent << " bytes";
  EXPECT_EQ(sha256_of(landed("a", "big.bin")), sha256);
  EXPECT_EQ(sha256_of(landed("b", "big.bin")), sha256);
}

TEST_F(ClusterMirrorsTest, ThreeHivesAskingAtTheSameMomentGetAboutOneCopyFromTheOrigin) {
  start_three();
  auto [content, sha256] = offer("big.bin", 24 << 20);
  // Slow, so that all three ask long before anyone has finished.
  auto url = origin.base_url() + "/files/big.bin?rate=4000000";

  const std::array<std::string, 3> ids{"a", "b", "c"};
  std::array<std::string, 3> jobs;
  {
    std::vector<std::jthread> posts;
    for (std::size_t i = 0; i < ids.size(); ++i)
      posts.emplace_back([&, i] { jobs[i] = submit(ids[i], url, sha256); });
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto events = follow(ids[i], jobs[i]);
    ASSERT_TRUE(events.done()) << "on " << ids[i] << ":\n" << events.all();
    EXPECT_EQ(sha256_of(landed(ids[i], "big.bin")), sha256) << "on " << ids[i];
  }
  auto sent = origin_traffic("big.bin").second;
  RecordProperty("origin_bytes", std::to_string(sent));
  EXPECT_LE(sent, content.size() * 5 / 4) << "the origin sent " << sent << " bytes";
}

TEST_F(ClusterMirrorsTest, APeerKilledMidTransferIsReplacedByTheOrigin) {
  start_three();
  auto [content, sha256] = offer("big.bin", 24 << 20);
  auto url = origin.base_url() + "/files/big.bin?rate=4000000";

  auto job_a = submit("a", url, sha256);
  follow("a", job_a, [](const job_events& e) { return e.progress_with("\"bytes\":"); });
  auto job_b = submit("b", url, sha256);
  // Kill a once b has taken bytes from it.
  auto before = follow("b", job_b, [](const job_events& e) { return e.last_from("hive a") > 0; });
  ASSERT_GT(before.last_from("hive a"), 0u) << before.all();
  hives->kill("a");
  auto on_b = follow("b", job_b);
  ASSERT_TRUE(on_b.done()) << on_b.all();
  EXPECT_TRUE(on_b.says("hive a failed")) << on_b.all();
  EXPECT_TRUE(on_b.says("from the origin")) << on_b.all();
  EXPECT_EQ(sha256_of(landed("b", "big.bin")), sha256);
}

} // namespace
