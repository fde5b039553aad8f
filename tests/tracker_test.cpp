#include "tests/support/actor_fixture.hpp"

#include "actors/jobs/narration_actor.hpp"
#include "actors/jobs/tracker_actor.hpp"

#include <caf/send.hpp>

#include <chrono>

namespace hive::test {
namespace {

using namespace std::chrono_literals;

constexpr auto progress_interval = std::chrono::milliseconds{100};
constexpr auto heartbeat_interval = std::chrono::milliseconds{10s};

class TrackerTest : public actor_fixture {
protected:
  /// A tracker of a running job (one that got its `start_atom`), or of a queued one.
  caf::actor spawn_tracker(const caf::actor& narration, bool running = true) {
    auto tracker =
        spawn(tracker_actor, narration, tracker_settings{progress_interval, heartbeat_interval});
    if (running)
      caf::anon_send(tracker, start_atom_v);
    sched.run();
    return tracker;
  }

  void send_progress(const caf::actor& tracker, std::uint64_t bytes) {
    caf::anon_send(tracker, progress_update{"m.gguf", bytes, 1000});
    sched.run();
  }

  static std::vector<narration_note> heartbeats(const inbox& box) {
    std::vector<narration_note> found;
    for (const auto& note : box.notes)
      if (note.action == "heartbeat")
        found.push_back(note);
    return found;
  }
};

TEST_F(TrackerTest, HeartbeatFiresOnlyWhenTheIntervalHasPassed) {
  auto [narration, box] = spawn_probe();
  auto tracker = spawn_tracker(narration);
  send_progress(tracker, 250);
  send_progress(tracker, 500);

  sched.advance_time(heartbeat_interval - 1ms);
  sched.run();
  EXPECT_TRUE(heartbeats(*box).empty());

  sched.advance_time(1ms);
  sched.run();
  auto beats = heartbeats(*box);
  ASSERT_EQ(beats.size(), 1u);
  EXPECT_EQ(beats[0].actor, "tracker");
  EXPECT_NE(beats[0].human.find("still downloading"), std::string::npos) << beats[0].human;
  EXPECT_NE(beats[0].human.find("50.0%"), std::string::npos) << beats[0].human;

  sched.advance_time(heartbeat_interval);
  sched.run();
  EXPECT_EQ(heartbeats(*box).size(), 2u) << "the heartbeat re-arms itself";
}

TEST_F(TrackerTest, ProgressIsThrottledToOneReportPerIntervalPlusATrailingOne) {
  auto [narration, box] = spawn_probe();
  auto tracker = spawn_tracker(narration);
  // The test clock starts at 1ns, as close to the tracker's "never reported"
  // time point as it can be; a real clock is far past it.
  sched.advance_time(progress_interval);
  sched.run();

  for (std::uint64_t bytes = 10; bytes <= 100; bytes += 10)
    send_progress(tracker, bytes);
  ASSERT_EQ(box->reports.size(), 1u);
  EXPECT_EQ(box->reports[0].bytes, 10u);

  sched.advance_time(progress_interval - 1ms);
  sched.run();
  EXPECT_EQ(box->reports.size(), 1u);

  sched.advance_time(1ms);
  sched.run();
  ASSERT_EQ(box->reports.size(), 2u);
  EXPECT_EQ(box->reports[1].bytes, 100u);
  EXPECT_EQ(box->reports[1].total, 1000u);
  EXPECT_DOUBLE_EQ(box->reports[1].percent, 10.0);
}

TEST_F(TrackerTest, HeartbeatNarrationCarriesTheJobId) {
  job_summary summary;
  summary.job_id = "job-7f3a";
  auto journal = std::make_shared<job_journal>(summary);
  auto narration = spawn(narration_actor, std::string{"job-7f3a"}, journal);
  auto tracker = spawn_tracker(narration);
  send_progress(tracker, 500);

  sched.advance_time(heartbeat_interval);
  sched.run();

  std::vector<std::string> beats;
  for (const auto& event : journal->read_after(0).events)
    if (event.data.find("\"action\":\"heartbeat\"") != std::string::npos)
      beats.push_back(event.data);
  ASSERT_EQ(beats.size(), 1u);
  EXPECT_NE(beats[0].find("\"job_id\":\"job-7f3a\""), std::string::npos) << beats[0];
}

} // namespace
TEST_F(TrackerTest, AJobOfSeveralFilesCountsThemAllAndNamesTheActiveOnes) {
  auto [narration, box] = spawn_probe();
  auto tracker = spawn_tracker(narration);
  for (const char* file : {"a.safetensors", "b.safetensors", "c.json"}) // the plan, up front
    caf::anon_send(tracker, progress_update{file, 0, 100});
  caf::anon_send(tracker, progress_update{"a.safetensors", 100, 100});
  caf::anon_send(tracker, progress_update{"b.safetensors", 40, 100});
  sched.run();
  sched.advance_time(progress_interval);
  sched.run();
  ASSERT_FALSE(box->reports.empty());
  const auto& last = box->reports.back();
  EXPECT_EQ(last.bytes, 140u);
  EXPECT_EQ(last.total, 300u);
  EXPECT_EQ(last.files_total, 3u);
  EXPECT_EQ(last.files_done, 1u);
  EXPECT_EQ(last.active, std::vector<std::string>{"b.safetensors"});
}

TEST_F(TrackerTest, ReportsSumTheActiveFilesConnectionsAndTheCapThatBindsNow) {
  auto [narration, box] = spawn_probe();
  auto job_cap = std::make_shared<net::rate_limit>(8'000'000);
  auto node_cap = std::make_shared<net::rate_limit>();
  auto tracker = spawn(tracker_actor, narration,
                       tracker_settings{progress_interval, heartbeat_interval, {job_cap, node_cap}});
  sched.run();
  caf::anon_send(tracker, progress_update{"a.safetensors", 100, 100, 1}); // done: no longer counts
  caf::anon_send(tracker, progress_update{"b.safetensors", 40, 100, 4});
  caf::anon_send(tracker, progress_update{"c.safetensors", 10, 100, 3});
  sched.run();
  sched.advance_time(progress_interval);
  sched.run();
  ASSERT_FALSE(box->reports.empty());
  EXPECT_EQ(box->reports.back().connections, 7u);
  EXPECT_EQ(box->reports.back().max_rate, 8'000'000u);

  node_cap->set(2'000'000); // the lower of the two binds
  caf::anon_send(tracker, progress_update{"b.safetensors", 50, 100, 4});
  sched.run();
  sched.advance_time(progress_interval);
  sched.run();
  EXPECT_EQ(box->reports.back().max_rate, 2'000'000u);

  job_cap->set(0);
  node_cap->set(0);
  caf::anon_send(tracker, progress_update{"b.safetensors", 60, 100, 4});
  sched.run();
  sched.advance_time(progress_interval);
  sched.run();
  EXPECT_EQ(box->reports.back().max_rate, 0u) << "no cap";
}

TEST_F(TrackerTest, ReportsSumEachSourcesBytesOverTheFiles) {
  auto [narration, box] = spawn_probe();
  auto tracker = spawn_tracker(narration);
  caf::anon_send(tracker, progress_update{"a.gguf", 100, 100, 0, {{"hive a", 60}, {"origin", 40}}});
  caf::anon_send(tracker, progress_update{"b.gguf", 50, 100, 2, {{"hive b", 20}, {"hive a", 30}}});
  sched.run();
  sched.advance_time(progress_interval);
  sched.run();
  ASSERT_FALSE(box->reports.empty());
  const auto& sources = box->reports.back().sources;
  ASSERT_EQ(sources.size(), 3u);
  EXPECT_EQ(sources[0].name, "hive a");
  EXPECT_EQ(sources[0].bytes, 90u);
  EXPECT_EQ(sources[1].name, "origin");
  EXPECT_EQ(sources[1].bytes, 40u);
  EXPECT_EQ(sources[2].name, "hive b");
  EXPECT_EQ(sources[2].bytes, 20u);
}

TEST_F(TrackerTest, AQueuedJobArmsNoHeartbeatAndBeatsDoNotRepeatTheReference) {
  auto [narration, box] = spawn_probe();
  auto tracker = spawn_tracker(narration, false);
  EXPECT_FALSE(sched.clock().has_pending_timeout()) << "a queued job arms no timer";
  sched.advance_time(heartbeat_interval * 3);
  sched.run();
  EXPECT_TRUE(heartbeats(*box).empty());

  caf::anon_send(tracker, start_atom_v);
  caf::anon_send(tracker, start_atom_v); // a second start arms no second timer
  sched.run();
  send_progress(tracker, 500);
  sched.advance_time(heartbeat_interval);
  sched.run();
  auto beats = heartbeats(*box);
  ASSERT_EQ(beats.size(), 1u);
  EXPECT_TRUE(beats[0].target.empty()) << beats[0].target;
  EXPECT_EQ(beats[0].human.rfind("still downloading (50.0%", 0), 0u) << beats[0].human;
}

} // namespace hive::test
