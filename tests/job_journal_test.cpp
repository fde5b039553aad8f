#include "net/api/job_board.hpp"
#include "net/api/job_journal.hpp"
#include "net/api/job_json.hpp"

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
  journal.set_state(job_phase::running, 5);
  journal.finish(job_phase::failed, "stalled", "no data", "[ERROR] stalled: no data", 9);
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
  EXPECT_EQ(state_name(s.state), "failed");
  EXPECT_EQ(s.error_code, "stalled");
  EXPECT_EQ(s.started_ms, 5);
  EXPECT_EQ(s.finished_ms, 9);
}

TEST(JobJournalTest, NarrationIsKeptWithinItsByteBudgetWithANoteOfWhatWasDropped) {
  const std::string line(1000, 'x');
  job_journal journal{summary_of("job-1"), 10 * 1024};
  for (int i = 0; i < 100; ++i)
    journal.append("narration", std::to_string(i) + line);
  journal.append("data", "payload"); // not narration: never dropped
  journal.finish(job_phase::completed, "", "", "[DONE]", 1);

  auto all = journal.read_after(0);
  ASSERT_GE(all.events.size(), 5u);
  std::size_t kept = 0;
  for (const auto& e : all.events)
    kept += e.name == "narration" ? e.data.size() : 0;
  EXPECT_LE(kept, 10u * 1024);
  EXPECT_GT(journal.bytes(), 5u * 1024);
  EXPECT_LT(journal.bytes(), 12u * 1024);

  // The oldest went first, and a reader from the start is told how many.
  const auto& note = all.events.front();
  EXPECT_EQ(note.name, "narration");
  EXPECT_NE(note.data.find("\"action\":\"dropped\""), std::string::npos) << note.data;
  EXPECT_NE(note.data.find("\"job_id\":\"job-1\""), std::string::npos) << note.data;
  auto dropped = std::stoi(all.events[1].data); // the first kept line's number
  EXPECT_NE(note.data.find("\"human\":\"" + std::to_string(dropped) + " earlier event"),
            std::string::npos)
      << note.data;
  EXPECT_EQ(note.id, static_cast<std::uint64_t>(dropped));
  EXPECT_EQ(all.events[all.events.size() - 2].data, "payload");
  EXPECT_EQ(all.events.back().data, "[DONE]");

  // A client resuming after the note (or later) is not told again.
  EXPECT_EQ(journal.read_after(note.id).events.front().data, all.events[1].data);
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
      journals.back()->finish(job_phase::completed, "", "", "[DONE]", 1);
    board.add(journals.back());
  }
  EXPECT_FALSE(board.find("job-0")); // finished and oldest
  EXPECT_TRUE(board.find("job-1"));  // still running: never forgotten
  EXPECT_TRUE(board.find("job-2"));
  EXPECT_TRUE(board.find("job-3"));
  EXPECT_EQ(board.list().size(), 3u);
}

TEST(JobBoardTest, ForgetsOldestFinishedJobsBeyondItsByteBudget) {
  job_board board{1000, 50 * 1024};
  auto running = std::make_shared<job_journal>(summary_of("job-running"));
  board.add(running);
  for (int i = 0; i < 10; ++i) {
    auto journal = std::make_shared<job_journal>(summary_of("job-" + std::to_string(i)));
    for (int line = 0; line < 10; ++line)
      journal->append("narration", std::string(1000, 'x'));
    journal->finish(job_phase::completed, "", "", "[DONE]", 1);
    board.add(journal);
  }
  std::size_t finished_bytes = 0;
  for (const auto& journal : board.list())
    finished_bytes += journal->finished() ? journal->bytes() : 0;
  EXPECT_LE(finished_bytes, 50u * 1024);
  EXPECT_GE(board.list().size(), 4u);
  EXPECT_FALSE(board.find("job-0")) << "the oldest went first";
  EXPECT_TRUE(board.find("job-9"));
  EXPECT_TRUE(board.find("job-running")) << "a live job is never forgotten";
}
