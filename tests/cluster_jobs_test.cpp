// Jobs on any hive, end to end: real provisiond processes linked over CAF's
// middleman on loopback, a test file server as the download source, and
// every request, stream and cancel over real HTTP.

#include "net/http_client.hpp"
#include "tests/support/hive_cluster.hpp"
#include "tests/support/rbee_line_client.hpp"
#include "tests/support/test_certificates.hpp"
#include "tests/support/test_file_server.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

using states = hive_states;

/// Long enough for any join or download here on a loaded machine.
constexpr auto deadline = join_deadline;

/// A slow download: 32 MiB at 1 MB/s runs half a minute, far longer than
/// any test here waits for it.
constexpr std::size_t slow_size = 32 * 1024 * 1024;
constexpr const char* slow_rate = "?rate=1000000";

struct stream_log {
  std::vector<net::sse_event> events;
  std::string error;
  std::string final_data() const {
    return events.empty() ? std::string{} : events.back().data;
  }
};

class ClusterJobsTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("cluster-jobs-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    hives = std::make_unique<hive_cluster>(dir);
  }
  void TearDown() override {
    hives.reset();
    fs::remove_all(dir);
  }

  /// Starts hive `first` and the others joined through it, each with its
  /// `extra` arguments, and waits until each of `seen_by` lists them all `up`.
  void start_cluster(const std::string& first, const std::vector<std::string>& others,
                     const std::vector<std::string>& seen_by) {
    hives->start(first, extra[first]);
    states want{{first, "up"}};
    for (const auto& id : others) {
      auto args = hives->join(first);
      args.insert(args.end(), extra[id].begin(), extra[id].end());
      hives->start(id, std::move(args));
      want[id] = "up";
    }
    for (const auto& id : seen_by)
      ASSERT_EQ(hives->await_states(id, want, deadline), want) << "as hive " << id << " sees it";
  }

  std::string url(const std::string& hive) const {
    return (*hives)[hive].url();
  }

  net::http_reply post(const std::string& hive, const std::string& body) const {
    return net::http_call("POST", url(hive) + "/v1/jobs", body);
  }

  /// POSTs a download of `/files/<name><query>` from the file server to
  /// `hive`, to run on `runs_on`.
  net::http_reply download(const std::string& hive, const std::string& runs_on,
                           const std::string& name, const std::string& query = {}) const {
    return post(hive, R"({"operation":"model_download","model":"url:)" + files.base_url()
                          + "/files/" + name + query + R"(","hive_id":")" + runs_on + R"("})");
  }

  static std::string job_of(const net::http_reply& reply) {
    simdjson::dom::parser parser;
    std::string_view id;
    if (parser.parse(reply.body)["job_id"].get(id))
      return {};
    return std::string{id};
  }

  /// `code` of an error answer's `{"error":{"code","message"}}`, and whether
  /// it has a message.
  static std::pair<std::string, bool> error_of(const net::http_reply& reply) {
    simdjson::dom::parser parser;
    std::string_view code, message;
    auto doc = parser.parse(reply.body);
    if (doc["error"]["code"].get(code))
      return {};
    return {std::string{code}, !doc["error"]["message"].get(message) && !message.empty()};
  }

  /// Reads the job's stream on `hive` to its end.
  stream_log follow(const std::string& hive, const std::string& job,
                    std::chrono::milliseconds idle = deadline) const {
    stream_log log;
    log.error = net::read_sse(
        url(hive) + "/v1/jobs/" + job + "/stream",
        [&](const net::sse_event& e) {
          log.events.push_back(e);
          return true;
        },
        {}, idle);
    return log;
  }

  /// Waits until the job's stream on `hive` shows at least `least`
  /// transferred bytes (or ends).
  void wait_for_bytes(const std::string& hive, const std::string& job,
                      std::uint64_t least = 1) const {
    net::read_sse(url(hive) + "/v1/jobs/" + job + "/stream", [least](const net::sse_event& e) {
      if (e.name != "progress")
        return e.name != "end";
      simdjson::dom::parser parser;
      std::uint64_t bytes = 0;
      return parser.parse(e.data)["bytes"].get(bytes) != simdjson::SUCCESS || bytes < least;
    });
  }

  /// The job's row in `GET /v1/jobs` of `hive`: its `hive_id` and `state`
  /// ("" when it is not listed).
  std::pair<std::string, std::string> listed(const std::string& hive,
                                             const std::string& job) const {
    auto reply = net::http_call("GET", url(hive) + "/v1/jobs");
    simdjson::dom::parser parser;
    simdjson::dom::array jobs;
    if (reply.status != 200 || parser.parse(reply.body)["jobs"].get(jobs))
      return {};
    for (auto j : jobs) {
      std::string_view id, on, state;
      if (!j["job_id"].get(id) && id == job && !j["hive_id"].get(on) && !j["state"].get(state))
        return {std::string{on}, std::string{state}};
    }
    return {};
  }

  /// How many jobs `GET /v1/jobs` of `hive` lists.
  std::size_t jobs_listed(const std::string& hive) const {
    auto reply = net::http_call("GET", url(hive) + "/v1/jobs");
    simdjson::dom::parser parser;
    simdjson::dom::array jobs;
    if (parser.parse(reply.body)["jobs"].get(jobs))
      return 0;
    return jobs.size();
  }

  /// The `(hive_id, id)` of each model a `model_list` for `of` on `hive`
  /// names, in its order; empty (and a failure) when the job does not succeed.
  std::vector<std::pair<std::string, std::string>> listed_models(const std::string& hive,
                                                                 const std::string& of) const {
    std::vector<std::pair<std::string, std::string>> found;
    auto created = post(hive, R"({"operation":"model_list","hive_id":")" + of + R"("})");
    EXPECT_EQ(created.status, 201u) << created.body;
    auto log = follow(hive, job_of(created));
    EXPECT_EQ(log.final_data(), "[DONE]") << log.error;
    std::string data;
    for (const auto& e : log.events)
      if (e.name == "data")
        data = e.data;
    simdjson::dom::parser parser;
    simdjson::dom::array models;
    EXPECT_EQ(parser.parse(data)["payload"]["models"].get(models), simdjson::SUCCESS) << data;
    for (auto m : models) {
      std::string_view id, on;
      EXPECT_EQ(m["id"].get(id), simdjson::SUCCESS) << data;
      EXPECT_EQ(m["hive_id"].get(on), simdjson::SUCCESS) << data;
      found.emplace_back(on, id);
    }
    return found;
  }

  /// Files under `hive`'s models folder whose name ends in `suffix`.
  std::vector<fs::path> files_of(const std::string& hive, const std::string& suffix) const {
    std::vector<fs::path> found;
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator{hives->models_dir(hive), ec})
      if (entry.path().filename().string().ends_with(suffix))
        found.push_back(entry.path());
    return found;
  }

  /// Every JSON event of the stream names `hive`; the ids grow.
  static void expect_relayed_from(const stream_log& log, const std::string& hive) {
    simdjson::dom::parser parser;
    std::uint64_t last_id = 0;
    for (const auto& e : log.events) {
      auto id = std::stoull(e.id);
      EXPECT_GT(id, last_id) << "ids grow";
      last_id = id;
      if (e.name == "end")
        continue;
      std::string_view on;
      ASSERT_EQ(parser.parse(e.data)["hive_id"].get(on), simdjson::SUCCESS) << e.data;
      EXPECT_EQ(on, hive) << e.data;
    }
  }

  /// Starts a slow download on b through a, waits until bytes land on b,
  /// then cancels it on a with `method` `path` (the job's path appended to
  /// `/v1/jobs/`) and checks that the answer came only once b had cancelled it.
  void cancel_forwarded(const std::string& method, const std::string& suffix);

  fs::path dir;
  std::unique_ptr<hive_cluster> hives;
  /// Arguments of each hive beyond those of `hive_cluster` and the join.
  std::map<std::string, std::vector<std::string>> extra;
  test_file_server files;
};

TEST_F(ClusterJobsTest, AJobForAnotherHiveRunsThereAndItsStreamIsRelayed) {
  start_cluster("a", {"b"}, {"a"});
  auto data = make_test_bytes(2 * 1024 * 1024, 3);
  files.add_file("fw.gguf", data);
  auto created = download("a", "b", "fw.gguf", "?rate=4000000");
  ASSERT_EQ(created.status, 201u) << created.body << created.error;
  auto job = job_of(created);
  ASSERT_FALSE(job.empty()) << created.body;

  // Both streams are read while the job runs: rbee's clients read forwarded
  // jobs too.
  rbee_transcript text;
  std::thread text_reader{[&] {
    text = read_like_rbee((*hives)["a"].port(), "/v1/jobs/" + job + "/stream?format=text");
  }};
  auto log = follow("a", job);
  text_reader.join();

  EXPECT_TRUE(log.error.empty()) << log.error;
  ASSERT_FALSE(log.events.empty());
  EXPECT_EQ(log.final_data(), "[DONE]");
  EXPECT_EQ(log.events.back().name, "end");
  expect_relayed_from(log, "b");
  std::set<std::string> kinds;
  for (const auto& e : log.events)
    kinds.insert(e.name);
  EXPECT_TRUE(kinds.contains("narration") && kinds.contains("progress"))
      << "b's narration and progress came through";

  // The file landed on b, whole; a holds nothing.
  auto there = files_of("b", "fw.gguf");
  ASSERT_EQ(there.size(), 1u);
  EXPECT_EQ(read_file(there.front()), data);
  EXPECT_TRUE(files_of("a", ".gguf").empty());
  EXPECT_EQ(listed("a", job), std::make_pair(std::string{"b"}, std::string{"completed"}));
  auto row = net::http_call("GET", url("a") + "/v1/jobs/" + job).body;
  auto size = std::to_string(data.size());
  EXPECT_NE(row.find(R"("bytes":)" + size + R"(,"total":)" + size), std::string::npos) << row;
  auto late_cancel = net::http_call("POST", url("a") + "/v1/jobs/" + job + "/cancel");
  EXPECT_EQ(late_cancel.status, 409u) << late_cancel.body;
  EXPECT_NE(late_cancel.body.find(R"("status":"completed")"), std::string::npos)
      << late_cancel.body;

  EXPECT_EQ(text.status, 200u);
  EXPECT_TRUE(text.stopped_at_marker) << text.error;
  ASSERT_FALSE(text.printed.empty());
  EXPECT_EQ(text.printed.back(), "[DONE]");
  for (const auto& line : text.printed) {
    EXPECT_FALSE(line.starts_with("id:") || line.starts_with("event:")) << line;
    EXPECT_EQ(line.find('{'), std::string::npos) << "JSON: " << line;
  }
}

TEST_F(ClusterJobsTest, ManyJobsForwardedAtOnceAreEachRelayedToTheirEnd) {
  start_cluster("a", {"b"}, {"a"});
  constexpr int jobs = 8;
  std::vector<std::string> ids;
  for (int i = 0; i < jobs; ++i) {
    auto name = "many-" + std::to_string(i) + ".gguf";
    files.add_file(name, make_test_bytes(512 * 1024, static_cast<std::uint32_t>(100 + i)));
    auto created = download("a", "b", name, "?rate=4000000");
    ASSERT_EQ(created.status, 201u) << created.body << created.error;
    ids.push_back(job_of(created));
  }
  std::vector<stream_log> logs(jobs);
  std::vector<std::thread> readers;
  for (int i = 0; i < jobs; ++i)
    readers.emplace_back([&, i] { logs[i] = follow("a", ids[i]); });
  for (auto& r : readers)
    r.join();
  for (int i = 0; i < jobs; ++i) {
    EXPECT_EQ(logs[i].final_data(), "[DONE]") << ids[i] << ": " << logs[i].error;
    expect_relayed_from(logs[i], "b");
    EXPECT_EQ(files_of("b", "many-" + std::to_string(i) + ".gguf").size(), 1u);
  }
}

void ClusterJobsTest::cancel_forwarded(const std::string& method, const std::string& suffix) {
  start_cluster("a", {"b"}, {"a"});
  // 64 MiB at 8 MB/s: b records what landed beside the partial every 4 MiB,
  // so the sidecar is there well before the end.
  files.add_file("slow.gguf", make_test_bytes(2 * slow_size, 5));
  auto created = download("a", "b", "slow.gguf", "?rate=8000000");
  ASSERT_EQ(created.status, 201u) << created.body << created.error;
  auto job = job_of(created);
  stream_log live;
  std::thread reader{[&] { live = follow("a", job); }};
  wait_for_bytes("a", job, 7 * 1024 * 1024);
  ASSERT_FALSE(files_of("b", ".part").empty()) << "b is writing the file";
  ASSERT_FALSE(files_of("b", ".validator").empty()) << "b recorded what landed";

  auto cancel = net::http_call(method, url("a") + "/v1/jobs/" + job + suffix);
  // Everything below is read right after the answer: it held once it came.
  auto parts = files_of("b", ".part");
  auto validators = files_of("b", ".validator");
  auto on_a = listed("a", job);
  auto on_b = net::http_call("GET", url("b") + "/v1/jobs").body;
  reader.join();

  EXPECT_EQ(cancel.status, 200u) << cancel.body << cancel.error;
  EXPECT_NE(cancel.body.find(R"("status":"cancelled")"), std::string::npos) << cancel.body;
  EXPECT_TRUE(parts.empty()) << parts.front();
  EXPECT_TRUE(validators.empty()) << validators.front();
  EXPECT_EQ(on_a, std::make_pair(std::string{"b"}, std::string{"cancelled"}));
  EXPECT_NE(on_b.find(R"("state":"cancelled")"), std::string::npos) << "b cancelled it: " << on_b;
  EXPECT_EQ(live.final_data(), "[CANCELLED]") << live.error;
  expect_relayed_from(live, "b");
  EXPECT_EQ(follow("a", job).final_data(), "[CANCELLED]") << "the stream had ended";
}

TEST_F(ClusterJobsTest, AForwardedCancelIsAnsweredOnceTheOtherHiveCancelledAndCleanedUp) {
  cancel_forwarded("POST", "/cancel");
}

TEST_F(ClusterJobsTest, AForwardedDeleteIsAnsweredOnceTheOtherHiveCancelledAndCleanedUp) {
  cancel_forwarded("DELETE", "");
}

TEST_F(ClusterJobsTest, AHiveKilledMidJobEndsTheRelayedStreamWithHiveUnavailableAtOnce) {
  start_cluster("a", {"b"}, {"a"});
  files.add_file("slow.gguf", make_test_bytes(slow_size, 6));
  auto created = download("a", "b", "slow.gguf", slow_rate);
  ASSERT_EQ(created.status, 201u) << created.body << created.error;
  auto job = job_of(created);
  wait_for_bytes("a", job);

  stream_log live;
  std::chrono::steady_clock::time_point ended;
  std::thread reader{[&] {
    live = follow("a", job);
    ended = std::chrono::steady_clock::now();
  }};
  // The reader has the history before b goes: its end comes from the kill.
  std::this_thread::sleep_for(100ms);
  auto killed = std::chrono::steady_clock::now();
  hives->kill("b");
  reader.join();

  auto final = live.final_data();
  EXPECT_EQ(final.rfind("[ERROR] hive_unavailable: hive b went away", 0), 0u) << final;
  // The down message ends it: nothing here waits for a timeout (the
  // nearest, a stalled transfer's, is 30 s; the reader's idle one 30 s too).
  EXPECT_LT(ended - killed, 3s);
  EXPECT_EQ(listed("a", job), std::make_pair(std::string{"b"}, std::string{"failed"}));
  EXPECT_TRUE((*hives)["a"].wait_for_log("cluster: hive b is down", 1s));
}

TEST_F(ClusterJobsTest, AHiveStoppedMidJobEndsTheRelayedStream) {
  start_cluster("a", {"b"}, {"a"});
  files.add_file("slow.gguf", make_test_bytes(slow_size, 14));
  auto created = download("a", "b", "slow.gguf", slow_rate);
  ASSERT_EQ(created.status, 201u) << created.body << created.error;
  auto job = job_of(created);
  wait_for_bytes("a", job);

  // A clean stop closes b's links as a kill does: a cannot tell how the job
  // ended there either.
  EXPECT_EQ((*hives)["b"].stop(SIGTERM).first, 0);
  auto final = follow("a", job).final_data();
  EXPECT_EQ(final.rfind("[ERROR] hive_unavailable: hive b went away", 0), 0u) << final;
}

TEST_F(ClusterJobsTest, AHiveThatCameBackTakesJobsAgain) {
  start_cluster("a", {"b"}, {"a"});
  hives->kill("b");
  states down{{"a", "up"}, {"b", "down"}};
  ASSERT_EQ(hives->await_states("a", down, deadline), down);
  hives->start("b", hives->join("a"));
  states up{{"a", "up"}, {"b", "up"}};
  ASSERT_EQ(hives->await_states("a", up, deadline), up);

  files.add_file("back.gguf", make_test_bytes(4096, 15));
  auto created = download("a", "b", "back.gguf");
  ASSERT_EQ(created.status, 201u) << created.body << created.error;
  EXPECT_EQ(follow("a", job_of(created)).final_data(), "[DONE]");
  EXPECT_EQ(files_of("b", "back.gguf").size(), 1u);
}

TEST_F(ClusterJobsTest, TheAskingHiveKilledMidJobCancelsTheJobOnTheOtherHive) {
  start_cluster("a", {"b"}, {"a"});
  files.add_file("slow.gguf", make_test_bytes(slow_size, 8));
  auto created = download("a", "b", "slow.gguf", slow_rate);
  ASSERT_EQ(created.status, 201u) << created.body << created.error;
  wait_for_bytes("a", job_of(created));
  ASSERT_FALSE(files_of("b", ".part").empty()) << "b is writing the file";

  hives->kill("a");
  // Nobody can see or cancel b's job any more: b cancels it on a's down message.
  EXPECT_TRUE((*hives)["b"].wait_for_log("went away: cancelling it", deadline));
  auto until = std::chrono::steady_clock::now() + deadline;
  std::string jobs_on_b;
  while (std::chrono::steady_clock::now() < until) {
    jobs_on_b = net::http_call("GET", url("b") + "/v1/jobs").body;
    if (jobs_on_b.find(R"("state":"cancelled")") != std::string::npos)
      break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_NE(jobs_on_b.find(R"("state":"cancelled")"), std::string::npos) << jobs_on_b;
  EXPECT_TRUE(files_of("b", ".part").empty());
}

TEST_F(ClusterJobsTest, ARelayedJobsCapIsChangedOnTheHiveThatRunsIt) {
  start_cluster("a", {"b"}, {"a"});
  files.add_file("slow.gguf", make_test_bytes(slow_size, 9));
  auto created = download("a", "b", "slow.gguf", slow_rate);
  ASSERT_EQ(created.status, 201u) << created.body << created.error;
  auto job = job_of(created);
  wait_for_bytes("a", job);

  auto patched = net::http_call("PATCH", url("a") + "/v1/jobs/" + job, R"({"max_rate":2000000})");
  EXPECT_EQ(patched.status, 200u) << patched.body << patched.error;
  EXPECT_NE(patched.body.find(R"("max_rate":2000000)"), std::string::npos) << patched.body;
  // b's own progress, relayed, shows the cap that binds there now.
  bool capped = false;
  net::read_sse(url("a") + "/v1/jobs/" + job + "/stream", [&](const net::sse_event& e) {
    capped = e.name == "progress" && e.data.find(R"("max_rate":2000000,)") != std::string::npos;
    return !capped && e.name != "end";
  });
  EXPECT_TRUE(capped);
  EXPECT_EQ(net::http_call("POST", url("a") + "/v1/jobs/" + job + "/cancel").status, 200u);
}

TEST_F(ClusterJobsTest, AJobIsForwardedOverMutuallyAuthenticatedTls) {
  make_test_ca(dir, "cluster");
  for (const char* id : {"a", "b"})
    extra[id] = make_test_cert(dir, id, "cluster");
  start_cluster("a", {"b"}, {"a"});
  auto data = make_test_bytes(256 * 1024, 11);
  files.add_file("tls.gguf", data);
  auto created = download("a", "b", "tls.gguf");
  ASSERT_EQ(created.status, 201u) << created.body << created.error;
  auto log = follow("a", job_of(created));
  EXPECT_EQ(log.final_data(), "[DONE]") << log.error;
  expect_relayed_from(log, "b");
  auto there = files_of("b", "tls.gguf");
  ASSERT_EQ(there.size(), 1u);
  EXPECT_EQ(read_file(there.front()), data);
}

TEST_F(ClusterJobsTest, RelayedJobsUnderWayAreBoundedByMaxQueued) {
  extra["a"] = {"--max-queued", "1"};
  start_cluster("a", {"b"}, {"a"});
  files.add_file("slow.gguf", make_test_bytes(slow_size, 12));
  files.add_file("next.gguf", make_test_bytes(4096, 13));
  auto first = download("a", "b", "slow.gguf", slow_rate);
  ASSERT_EQ(first.status, 201u) << first.body << first.error;

  auto second = download("a", "b", "next.gguf");
  EXPECT_EQ(second.status, 429u) << second.body;
  EXPECT_EQ(error_of(second), std::make_pair(std::string{"too_many_jobs"}, true)) << second.body;

  // Once the first is cancelled, its place is free at once.
  ASSERT_EQ(net::http_call("POST", url("a") + "/v1/jobs/" + job_of(first) + "/cancel").status,
            200u);
  auto third = download("a", "b", "next.gguf");
  ASSERT_EQ(third.status, 201u) << third.body;
  EXPECT_EQ(follow("a", job_of(third)).final_data(), "[DONE]");
}

TEST_F(ClusterJobsTest, UnknownAndDownHivesAreRefusedWithClearErrors) {
  start_cluster("a", {"b"}, {"a"});
  files.add_file("x.gguf", make_test_bytes(4096, 7));

  auto unknown = download("a", "nowhere", "x.gguf");
  EXPECT_EQ(unknown.status, 404u) << unknown.body;
  EXPECT_EQ(error_of(unknown), std::make_pair(std::string{"unknown_hive"}, true)) << unknown.body;

  hives->kill("b");
  states down{{"a", "up"}, {"b", "down"}};
  ASSERT_EQ(hives->await_states("a", down, deadline), down);
  auto gone = download("a", "b", "x.gguf");
  EXPECT_EQ(gone.status, 503u) << gone.body;
  EXPECT_EQ(error_of(gone), std::make_pair(std::string{"hive_unavailable"}, true)) << gone.body;
  EXPECT_EQ(jobs_listed("a"), 0u) << "a refusal leaves no job";
}

TEST_F(ClusterJobsTest, TheOtherHivesRefusalComesBackAsItGaveIt) {
  start_cluster("a", {"b"}, {"a"});
  files.add_file("x.gguf", make_test_bytes(4096, 10));
  auto bad = post("a", R"({"operation":"model_download","model":"nonsense","hive_id":"b"})");
  EXPECT_EQ(bad.status, 400u) << bad.body;
  EXPECT_EQ(error_of(bad), std::make_pair(std::string{"invalid_model_ref"}, true)) << bad.body;

  // b has a model "x" from another source.
  auto local = download("b", "localhost", "x.gguf");
  ASSERT_EQ(local.status, 201u) << local.body;
  ASSERT_EQ(follow("b", job_of(local)).final_data(), "[DONE]");
  auto taken = post("a", R"({"operation":"model_download","model":"url:)" + files.base_url()
                             + R"(/redirect/1/files/x.gguf","hive_id":"b"})");
  EXPECT_EQ(taken.status, 409u) << taken.body;
  auto [code, has_message] = error_of(taken);
  EXPECT_EQ(code, "model_exists") << taken.body;
  EXPECT_TRUE(has_message) << taken.body;
  EXPECT_NE(taken.body.find("replace"), std::string::npos) << "b's own message: " << taken.body;
  EXPECT_EQ(jobs_listed("a"), 0u) << "a refusal leaves no job";
}

TEST_F(ClusterJobsTest, AJobThatFailsOnTheOtherHiveEndsWithItsErrorAsItCame) {
  start_cluster("a", {"b"}, {"a"});
  auto created = post("a", R"({"operation":"model_download","model":"url:)" + files.base_url()
                               + R"(/status/404/gone.gguf","hive_id":"b"})");
  ASSERT_EQ(created.status, 201u) << created.body;
  auto job = job_of(created);
  auto log = follow("a", job);
  auto final = log.final_data();
  EXPECT_EQ(final.rfind("[ERROR] http_status: ", 0), 0u) << final;
  auto row = net::http_call("GET", url("a") + "/v1/jobs/" + job).body;
  EXPECT_NE(row.find(R"("state":"failed")"), std::string::npos) << row;
  EXPECT_NE(row.find(R"("code":"http_status")"), std::string::npos) << row;
}

TEST_F(ClusterJobsTest, ModelListForEveryHiveListsEachHivesModelsWithItsHive) {
  start_cluster("a", {"b", "c"}, {});
  for (const char* hive : {"a", "b", "c"}) {
    auto name = std::string{"m-"} + hive + ".gguf";
    files.add_file(name, make_test_bytes(4096, static_cast<std::uint32_t>(hive[0])));
    auto created = download(hive, "localhost", name);
    ASSERT_EQ(created.status, 201u) << created.body;
    ASSERT_EQ(follow(hive, job_of(created)).final_data(), "[DONE]") << hive;
  }
  states all{{"a", "up"}, {"b", "up"}, {"c", "up"}};
  ASSERT_EQ(hives->await_states("a", all, deadline), all);

  auto found = listed_models("a", "*");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front(), std::make_pair(std::string{"a"}, std::string{"m-a"})) << "a first";
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::pair<std::string, std::string>>{
                       {"a", "m-a"}, {"b", "m-b"}, {"c", "m-c"}}));

  EXPECT_EQ(listed_models("a", "b"),
            (std::vector<std::pair<std::string, std::string>>{{"b", "m-b"}}))
      << "another hive's name lists its models alone";
  hives->kill("c");
  states down{{"a", "up"}, {"b", "up"}, {"c", "down"}};
  ASSERT_EQ(hives->await_states("a", down, deadline), down);
  EXPECT_EQ(listed_models("a", "*"),
            (std::vector<std::pair<std::string, std::string>>{{"a", "m-a"}, {"b", "m-b"}}))
      << "a hive that is down is not asked";
}

TEST_F(ClusterJobsTest, JobsReachAHiveKnownThroughTheSeedAlone) {
  // b and c each know only the seed a; b learns c through a's gossip.
  start_cluster("a", {"b", "c"}, {"a", "b"});
  for (const char* from : {"a", "b"}) {
    auto name = std::string{"from-"} + from + ".gguf";
    auto data = make_test_bytes(64 * 1024, static_cast<std::uint32_t>(from[0]));
    files.add_file(name, data);
    auto created = download(from, "c", name);
    ASSERT_EQ(created.status, 201u) << from << ": " << created.body << created.error;
    auto log = follow(from, job_of(created));
    EXPECT_EQ(log.final_data(), "[DONE]") << from << ": " << log.error;
    expect_relayed_from(log, "c");
    auto there = files_of("c", name);
    ASSERT_EQ(there.size(), 1u) << name;
    EXPECT_EQ(read_file(there.front()), data);
    EXPECT_TRUE(files_of(from, name).empty());
  }
}

} // namespace
