// Which bytes each connection of a file fetches: pieces lowest first, the back
// half of the largest part to a connection with nothing left, the ranges a
// sidecar records. Pure logic, no I/O.

#include "net/transfer/byte_ranges.hpp"
#include "net/transfer/connection_governor.hpp"
#include "net/transfer/part_plan.hpp"

#include <gtest/gtest.h>

#include <limits>

using namespace hive::net;

namespace {

constexpr std::uint64_t mib = 1024 * 1024;

} // namespace

TEST(ByteRangesTest, MergesWhatTouchesAndTellsThePrefixAndTheGaps) {
  byte_ranges r;
  r.add({10, 20});
  r.add({30, 40});
  EXPECT_EQ(r.prefix(), 0u);
  r.add({0, 10}); // touches [10, 20)
  r.add({15, 32}); // bridges into [30, 40)
  EXPECT_EQ(r.prefix(), 40u);
  EXPECT_EQ(r.size(), 40u);
  r.add({50, 60});
  EXPECT_EQ(r.gaps(70), (std::vector<byte_span>{{40, 50}, {60, 70}}));
  EXPECT_EQ(r.text(), "0-40,50-60");
}

TEST(ByteRangesTest, ReadsOnlyWhatItWrites) {
  auto r = byte_ranges::parse("0-40,50-60");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text(), "0-40,50-60");
  EXPECT_TRUE(byte_ranges::parse("")->empty());
  for (const char* bad : {"0-40,", "40-0", "0-40,30-60", "0-40 50-60", "a-b", "0-", "-5", "5-5"})
    EXPECT_FALSE(byte_ranges::parse(bad)) << bad;
}

TEST(PartPlanTest, HandsOutPiecesLowestFirstAndOnlyTheGaps) {
  byte_ranges done;
  done.add({4 * mib, 6 * mib});
  part_plan plan{10 * mib, done, 2 * mib, mib / 4};
  std::vector<byte_span> parts;
  while (!plan.all_assigned())
    parts.push_back(plan.left(*plan.take()));
  EXPECT_EQ(parts, (std::vector<byte_span>{
                       {0, 2 * mib}, {2 * mib, 4 * mib}, {6 * mib, 8 * mib}, {8 * mib, 10 * mib}}));
}

TEST(PartPlanTest, AnIdleConnectionTakesTheBackHalfOfTheLargestPart) {
  part_plan plan{8 * mib, {}, 4 * mib, mib / 4};
  auto a = *plan.take(); // [0, 4)
  auto b = *plan.take(); // [4, 8)
  plan.advance(a, 3 * mib); // a has 1 MiB left, b has 4
  auto thief = plan.take();
  ASSERT_TRUE(thief);
  EXPECT_EQ(plan.left(*thief), (byte_span{6 * mib, 8 * mib}));
  EXPECT_EQ(plan.left(b), (byte_span{4 * mib, 6 * mib})) << "the victim now ends where the thief starts";
  plan.advance(b, 2 * mib - mib / 4); // b nearly done: too little to split
  plan.advance(*thief, 2 * mib - mib / 4);
  plan.advance(a, mib - mib / 4);
  EXPECT_FALSE(plan.take()) << "halves below the smallest steal are not worth a connection";
}

TEST(PartPlanTest, AConnectionReadingOnExtendsIntoTheNextFreePiece) {
  part_plan plan{8 * mib, {}, 2 * mib, mib / 4};
  auto a = *plan.take();
  plan.advance(a, 2 * mib);
  EXPECT_TRUE(plan.extend(a));
  EXPECT_EQ(plan.left(a), (byte_span{2 * mib, 4 * mib}));
  auto b = *plan.take(); // [4, 6)
  plan.advance(a, 2 * mib);
  EXPECT_FALSE(plan.extend(a)) << "the next piece is b's";
  EXPECT_EQ(plan.left(b).begin, 4 * mib);
}

TEST(PartPlanTest, AReleasedPartIsHandedOutAgainFromWhereItStopped) {
  part_plan plan{4 * mib, {}, 4 * mib, mib / 4};
  auto a = *plan.take();
  plan.advance(a, mib + 5);
  plan.release(a); // a stalled connection
  EXPECT_EQ(plan.parts(), 0u);
  auto again = plan.take();
  ASSERT_TRUE(again);
  EXPECT_EQ(plan.left(*again), (byte_span{mib + 5, 4 * mib}));
}

TEST(ConnectionGovernorTest, AddsConnectionsWhileTheRateGrowsWithThem) {
  using namespace std::chrono_literals;
  connection_governor g{16, 100ms};
  auto t = connection_governor::clock::time_point{};
  std::uint64_t bytes = 0;
  EXPECT_EQ(g.want(t, bytes, 0), 1u); // the first step starts
  bytes += 1'600'000;                 // 16 MB/s on one connection (a capped CDN)
  EXPECT_EQ(g.want(t += 100ms, bytes, 1), 4u);
  bytes += 320'000;
  EXPECT_EQ(g.want(t += 100ms, bytes, 2), 4u) << "a step is judged once all of it delivers";
  bytes += 6'400'000 - 320'000;
  EXPECT_EQ(g.want(t += 10ms, bytes, 4), 16u) << "the rate since the step began grew about fourfold";
  EXPECT_TRUE(g.settled()) << "the ceiling";
}

TEST(ConnectionGovernorTest, StopsAddingWhenMoreConnectionsDoNotRaiseTheRate) {
  using namespace std::chrono_literals;
  connection_governor g{64, 100ms};
  auto t = connection_governor::clock::time_point{};
  std::uint64_t bytes = 0;
  g.want(t, bytes, 0);
  bytes += 60'000'000; // 600 MB/s on one connection (loopback, bound by the disk)
  EXPECT_EQ(g.want(t += 100ms, bytes, 1), 4u);
  bytes += 66'000'000; // barely more with four
  EXPECT_EQ(g.want(t += 100ms, bytes, 4), 4u);
  EXPECT_TRUE(g.settled());
  EXPECT_EQ(g.want(t += 1s, bytes + 1'000'000'000, 4), 4u) << "settled for good";
}
