// The node's board of shared transfers, on CAF's deterministic scheduler: who
// may join a transfer, what each worker hears, and when the work stops.

#include "tests/support/actor_fixture.hpp"

#include "actors/vendors/transfer_board.hpp"
#include "messages/errc.hpp"

#include <caf/event_based_actor.hpp>

#include <filesystem>
#include <fstream>

namespace hive::test {
namespace {

/// What one attached worker heard.
struct heard {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
  std::vector<std::string> responses;
  std::vector<transfer_result> results;
};

class SharedTransferTest : public actor_fixture {
protected:
  SharedTransferTest() {
    task.name = "m.gguf";
    task.url = "http://127.0.0.1:1/m.gguf";
    task.part_path = (temp_dir / "m.gguf.part").string();
    task.size = 1000;
  }

  /// A worker actor that records the results it receives, and its observer.
  std::pair<caf::actor, net::fetch_observer> worker(const std::shared_ptr<heard>& out) {
    auto actor = spawn([out](caf::event_based_actor*) -> caf::behavior {
      return {[out](transfer_result& r) { out->results.push_back(r); }};
    });
    net::fetch_observer obs;
    obs.on_progress = [out](std::uint64_t bytes, std::uint64_t total, std::uint32_t,
                            const std::vector<source_bytes>&) {
      out->progress.emplace_back(bytes, total);
    };
    obs.on_response = [out](const std::string& url, std::uint64_t, std::uint64_t) {
      out->responses.push_back(url);
    };
    return {actor, obs};
  }

  /// Joins or opens the transfer of `for_task`; `opened` counts new transfers.
  caf::expected<transfer_board::seat> seat_of(const caf::actor& w, const net::fetch_observer& obs,
                                              const file_task& for_task) {
    return board.join_or_open(
        w, for_task, obs, [&]() -> caf::expected<std::shared_ptr<shared_transfer>> {
          ++opened;
          if (refuse_open)
            return make_error(download_errc::file_busy, "claimed");
          return std::make_shared<shared_transfer>(for_task, net::part_claim{});
        });
  }

  /// A first worker's seat on a transfer that runs; `stops` counts cancels.
  std::shared_ptr<shared_transfer> running(const caf::actor& w, const net::fetch_observer& obs) {
    auto seat = seat_of(w, obs, task);
    EXPECT_TRUE(seat);
    EXPECT_FALSE(seat->joined);
    seat->transfer->run([this] { ++stops; });
    refuse_open = true; // as the claim of a transfer under way would
    return seat->transfer;
  }

  file_task task;
  transfer_board board;
  int opened = 0;
  int stops = 0;
  bool refuse_open = false;
};

TEST_F(SharedTransferTest, ALaterWorkerJoinsAndHearsEveryEventThroughItsOwnObserver) {
  auto first = std::make_shared<heard>();
  auto second = std::make_shared<heard>();
  auto [w1, obs1] = worker(first);
  auto [w2, obs2] = worker(second);
  auto transfer = running(w1, obs1);
  auto work = transfer->observer();
  work.on_response("http://127.0.0.1:1/m.gguf", 1000, 0);
  work.on_progress(400, 1000, 1, {});

  auto seat = seat_of(w2, obs2, task);
  ASSERT_TRUE(seat);
  ASSERT_TRUE(seat->joined);
  EXPECT_EQ(seat->transfer, transfer);
  EXPECT_TRUE(seat->joined->responded);
  EXPECT_EQ(seat->joined->bytes, 400u);
  EXPECT_EQ(seat->joined->total, 1000u);
  // The joiner's tracker hears at once how far the transfer is.
  EXPECT_EQ(second->progress, (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{400, 1000}}));
  EXPECT_EQ(opened, 1);

  work.on_progress(1000, 1000, 1, {});
  transfer->deliver(transfer_result{true, false, 0, "", 1000, 1000, "abc", 0, {}, {}});
  sched.run();
  EXPECT_EQ(first->responses.size(), 1u);
  EXPECT_TRUE(second->responses.empty()); // it joined after the answer
  EXPECT_EQ(first->progress.back(), (std::pair<std::uint64_t, std::uint64_t>{1000, 1000}));
  EXPECT_EQ(second->progress.back(), (std::pair<std::uint64_t, std::uint64_t>{1000, 1000}));
  ASSERT_EQ(first->results.size(), 1u);
  ASSERT_EQ(second->results.size(), 1u);
  EXPECT_EQ(second->results[0].sha256, "abc");
}

TEST_F(SharedTransferTest, OnlyTasksForTheSameBytesJoin) {
  auto out = std::make_shared<heard>();
  auto [w1, obs1] = worker(out);
  auto transfer = running(w1, obs1);
  auto [w2, obs2] = worker(out);

  auto elsewhere = task;
  elsewhere.url = "http://127.0.0.1:2/m.gguf"; // another source, nothing names the content
  EXPECT_EQ(seat_of(w2, obs2, elsewhere).error(), make_error(download_errc::file_busy));
  auto other_digest = task;
  other_digest.sha256 = std::string(64, 'b');
  EXPECT_FALSE(seat_of(w2, obs2, other_digest));
  auto other_size = task;
  other_size.size = 999;
  EXPECT_FALSE(seat_of(w2, obs2, other_size));
  EXPECT_EQ(opened, 4);

  // The same digest names the same bytes, whatever the source.
  auto digest = task;
  digest.sha256 = std::string(64, 'a');
  auto named = std::make_shared<shared_transfer>(digest, net::part_claim{});
  named->attach(w1, digest, obs1);
  named->run([] {});
  auto mirror = digest;
  mirror.url = "http://mirror.example/m.gguf";
  EXPECT_TRUE(named->attach(w2, mirror, obs2));
}

TEST_F(SharedTransferTest, NobodyJoinsATransferBeforeItRuns) {
  auto out = std::make_shared<heard>();
  auto [w1, obs1] = worker(out);
  auto [w2, obs2] = worker(out);
  auto starting = std::make_shared<shared_transfer>(task, net::part_claim{});
  ASSERT_TRUE(starting->attach(w1, task, obs1));
  EXPECT_FALSE(starting->attach(w2, task, obs2));
}

TEST_F(SharedTransferTest, CancellingOneDetachesItAndTheLastStopsTheWork) {
  auto first = std::make_shared<heard>();
  auto second = std::make_shared<heard>();
  auto [w1, obs1] = worker(first);
  auto [w2, obs2] = worker(second);
  auto transfer = running(w1, obs1);
  ASSERT_TRUE(seat_of(w2, obs2, task));

  EXPECT_FALSE(transfer->leave(w1.address(), true)); // the other job carries on
  EXPECT_EQ(stops, 0);
  EXPECT_TRUE(board.in_use(task.part_path));
  transfer->observer().on_progress(10, 1000, 1, {});
  EXPECT_TRUE(first->progress.empty());
  EXPECT_FALSE(second->progress.empty());

  EXPECT_TRUE(transfer->leave(w2.address(), true)); // the last: it waits for the outcome
  EXPECT_EQ(stops, 1);
  EXPECT_TRUE(board.in_use(task.part_path)); // its worker removes the partial, not a job
  auto [w3, obs3] = worker(first);
  EXPECT_FALSE(seat_of(w3, obs3, task)); // a stopping transfer takes nobody

  transfer->deliver(transfer_result{false, true, 0, "cancelled", 10, 1000, "", 0, {}, {}});
  sched.run();
  EXPECT_TRUE(first->results.empty());
  ASSERT_EQ(second->results.size(), 1u);
  EXPECT_TRUE(second->results[0].cancelled);
}

TEST_F(SharedTransferTest, TheLastWorkerGoingOnShutdownStopsTheWorkWithoutWaiting) {
  auto out = std::make_shared<heard>();
  auto [w1, obs1] = worker(out);
  auto transfer = running(w1, obs1);
  EXPECT_FALSE(transfer->leave(w1.address(), false));
  EXPECT_EQ(stops, 1);
  EXPECT_FALSE(board.in_use(task.part_path));
  EXPECT_FALSE(transfer->leave(w1.address(), false)); // twice (its destructor) is harmless
  EXPECT_EQ(stops, 1);
}

TEST_F(SharedTransferTest, TheFileLandsOnceAndEveryWorkerGetsThatOutcome) {
  auto out = std::make_shared<heard>();
  auto [w1, obs1] = worker(out);
  auto transfer = running(w1, obs1);
  int landings = 0;
  auto land = [&] {
    ++landings;
    return make_error(download_errc::checksum_mismatch, "m.gguf: expected sha256 a, got b");
  };
  EXPECT_EQ(transfer->land_once(land), make_error(download_errc::checksum_mismatch));
  EXPECT_EQ(transfer->land_once(land), make_error(download_errc::checksum_mismatch));
  EXPECT_EQ(landings, 1);
}

TEST_F(SharedTransferTest, AWorkerLateForAWorkEndedWellGetsItsOutcomeButNotAfterAFailure) {
  auto out = std::make_shared<heard>();
  auto [w1, obs1] = worker(out);
  auto [w2, obs2] = worker(out);
  auto transfer = running(w1, obs1);
  transfer->deliver(transfer_result{true, false, 0, "", 1000, 1000, "abc", 0, {}, {}});
  auto late = seat_of(w2, obs2, task);
  ASSERT_TRUE(late);
  ASSERT_TRUE(late->joined && late->joined->result);
  EXPECT_TRUE(late->joined->result->ok);

  auto failed = std::make_shared<shared_transfer>(task, net::part_claim{});
  failed->attach(w1, task, obs1);
  failed->run([] {});
  failed->deliver(transfer_result{false, false, 0, "reset", 10, 1000, "", 0, {}, {}});
  EXPECT_FALSE(failed->attach(w2, task, obs2)); // a new job starts afresh (a resume)
}

// The bug behind a flaky storm test: the supervisor's cleanup of a failed job
// could not remove an empty part while the transfer, not yet destroyed,
// still claimed it. The transfer drops such a part itself before it reports.
TEST_F(SharedTransferTest, AWorkThatStopsShortDropsAPartNothingCouldResumeBeforeAnyoneHears) {
  auto out = std::make_shared<heard>();
  auto [w1, obs1] = worker(out);
  auto kept = task;
  kept.name = "kept.gguf";
  kept.part_path = (temp_dir / "kept.gguf.part").string();
  std::ofstream{kept.part_path} << "0123456789";
  ASSERT_FALSE(net::save_validator(kept.part_path, "\"v1\""));
  auto claimed = [](const file_task& t) {
    std::error_code ec;
    auto claim = net::part_claim::acquire(t.part_path, ec); // creates an empty part if absent
    EXPECT_FALSE(ec);
    return std::make_shared<shared_transfer>(t, std::move(claim));
  };
  const transfer_result reset{false, false, 0, "reset", 0, 1000, "", 0, {}};
  auto empty = claimed(task);
  empty->attach(w1, task, obs1);
  empty->run([] {});
  empty->deliver(reset);
  EXPECT_FALSE(std::filesystem::exists(task.part_path)) << "gone while the transfer still holds its claim";

  auto resumable = claimed(kept);
  resumable->attach(w1, kept, obs1);
  resumable->run([] {});
  resumable->deliver(reset);
  EXPECT_EQ(net::read_partial(kept.part_path).size, 10u);
}

} // namespace
} // namespace hive::test
