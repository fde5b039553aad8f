#include "messages/job_board.hpp"
#include "messages/job_journal.hpp"

#include <gtest/gtest.h>

using namespace hive;

namespace {

job_summary summary_of(const std::string& id) {
  job_summary s;
  s.job_id = id;
  return s;
}

} // namespace

TEST(JobJournalTest, KeepsNarrationAndOnlyTheLatestProgress) {
  job_journal journal{summary_of("job-1")};
  journal.append("narration", "a");
  journal.append_progress("p1", 1, 10);
  journal.append_progress("p2", 5, 10);
  journal.append("narration", "b");
  auto all = journal.read_after(0);
  ASSERT_EQ(all.events.size(), 3u);
  EXPECT_EQ(all.events[0].data, "a");
  EXPECT_EQ(all.events[1].data, "p2"); // coalesced, in its place
  EXPECT_EQ(all.events[2].data, "b");
  EXPECT_LT(all.events[1].id, all.events[2].id);
  EXPECT_FALSE(all.ended);
  EXPECT_EQ(journal.summary().bytes, 5u);
  auto later = journal.read_after(all.events[1].id);
  ASSERT_EQ(later.events.size(), 1u);
  EXPECT_EQ(later.events[0].data, "b");
}

TEST(JobJournalTest, FinishEndsTheStreamAndIgnoresLaterEvents) {
  job_journal journal{summary_of("job-1")};
  int wakes = 0;
  auto token = journal.watch([&] { ++wakes; });
  journal.set_state("running", 5);
  journal.finish("failed", "stalled", "no data", "[ERROR] stalled: no data", 9);
  journal.append("narration", "too late");
  journal.unwatch(token);
  journal.append("narration", "unwatched");
  EXPECT_EQ(wakes, 2);
  auto all = journal.read_after(0);
  EXPECT_TRUE(all.ended);
  ASSERT_EQ(all.events.size(), 1u);
  EXPECT_EQ(all.events[0].name, "end");
  EXPECT_EQ(all.events[0].data, "[ERROR] stalled: no data");
  auto s = journal.summary();
  EXPECT_EQ(s.state, "failed");
  EXPECT_EQ(s.error_code, "stalled");
  EXPECT_EQ(s.started_ms, 5);
  EXPECT_EQ(s.finished_ms, 9);
}

TEST(JobJournalTest, HistoryIsBounded) {
  job_journal journal{summary_of("job-1"), 3};
  for (int i = 0; i < 10; ++i)
    journal.append("narration", std::to_string(i));
  auto all = journal.read_after(0);
  ASSERT_EQ(all.events.size(), 3u);
  EXPECT_EQ(all.events.front().data, "7");
  EXPECT_EQ(all.events.back().id, 10u);
}

// The cap the daemon's journals get (the default): a job that narrates without
// end must not hold all of it.
TEST(JobJournalTest, TheDefaultCapBoundsHistory) {
  job_journal journal{summary_of("job-1")};
  constexpr int appended = 50'000;
  for (int i = 0; i < appended; ++i)
    journal.append("narration", std::string(100, 'x'));
  auto all = journal.read_after(0);
  EXPECT_LT(all.events.size(), static_cast<std::size_t>(appended));
  std::size_t bytes = 0;
  for (const auto& e : all.events)
    bytes += e.data.size();
  EXPECT_LE(bytes, 2u * 1024 * 1024);
}

TEST(JobBoardTest, ForgetsOldestFinishedJobsBeyondItsLimit) {
  job_board board{2};
  std::vector<std::shared_ptr<job_journal>> journals;
  for (int i = 0; i < 4; ++i) {
    journals.push_back(std::make_shared<job_journal>(summary_of("job-" + std::to_string(i))));
    if (i != 1)
      journals.back()->finish("completed", "", "", "[DONE]", 1);
    board.add(journals.back());
  }
  EXPECT_FALSE(board.find("job-0")); // finished and oldest
  EXPECT_TRUE(board.find("job-1"));  // still running: never forgotten
  EXPECT_TRUE(board.find("job-2"));
  EXPECT_TRUE(board.find("job-3"));
  EXPECT_EQ(board.list().size(), 3u);
}
