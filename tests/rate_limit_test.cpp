// The rate limiter in virtual time (explicit time points, no sleeping), and
// the awaitable that paces a transfer with it.

#include "net/rate_limit.hpp"
#include "net/rate_pacing.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <exception>

using namespace hive;
using namespace hive::net;
using namespace std::chrono_literals;

namespace {

using time_point = rate_limit::time_point;
constexpr std::uint64_t chunk = 64 * 1024;

/// A reader that books `chunk` bytes, waits what it is told, and books again.
struct reader {
  time_point now{};
  std::uint64_t bytes = 0;

  void step(rate_limit& limit) {
    now += limit.reserve(chunk, now);
    bytes += chunk;
  }
};

/// Runs one reader on `limit` until its clock reaches `until`.
void run_until(rate_limit& limit, reader& r, time_point until) {
  while (r.now < until)
    r.step(limit);
}

} // namespace

TEST(RateLimitTest, WithoutACapNothingWaits) {
  rate_limit limit;
  EXPECT_EQ(limit.bytes_per_sec(), 0u);
  EXPECT_EQ(limit.reserve(1ULL << 40, time_point{}), 0ns);
  EXPECT_EQ(limit.reserve(1ULL << 40, time_point{}), 0ns);
}

TEST(RateLimitTest, ABurstOfATenthOfASecondPassesThenTheRateHolds) {
  rate_limit limit{1'000'000};
  time_point t{};
  EXPECT_EQ(limit.reserve(100'000, t), 0ns) << "a tenth of a second's worth passes at once";
  EXPECT_EQ(limit.reserve(100'000, t), 100ms);
  EXPECT_EQ(limit.reserve(500'000, t), 600ms);
}

TEST(RateLimitTest, ASustainedReaderGetsTheRate) {
  rate_limit limit{1'000'000};
  reader r;
  run_until(limit, r, time_point{10s});
  // 10 s at the rate, plus the burst and the last read booked.
  EXPECT_GE(r.bytes, 10'000'000u);
  EXPECT_LE(r.bytes, 10'000'000u + 100'000u + 2 * chunk);
}

TEST(RateLimitTest, TwoReadersTakingTurnsShareTheRateEvenly) {
  rate_limit limit{2'000'000};
  std::array<reader, 2> readers;
  // Whoever's wait ends first reads next, as two connections would; on a
  // tie (both free in the burst) they take turns.
  auto first = [&] {
    auto& [a, b] = readers;
    return a.now < b.now || (a.now == b.now && a.bytes <= b.bytes);
  };
  while (readers[0].now < time_point{10s} || readers[1].now < time_point{10s})
    (first() ? readers[0] : readers[1]).step(limit);
  auto total = readers[0].bytes + readers[1].bytes;
  EXPECT_GE(total, 20'000'000u);
  EXPECT_LE(total, 20'000'000u + 200'000u + 3 * chunk);
  auto gap = readers[0].bytes > readers[1].bytes ? readers[0].bytes - readers[1].bytes
                                                 : readers[1].bytes - readers[0].bytes;
  EXPECT_LE(gap, 2 * chunk) << readers[0].bytes << " vs " << readers[1].bytes;
}

TEST(RateLimitTest, ANewRateTakesEffectForTheNextReservation) {
  rate_limit limit{1'000'000};
  reader r;
  run_until(limit, r, time_point{5s});
  auto slow = r.bytes;
  limit.set(4'000'000);
  EXPECT_EQ(limit.bytes_per_sec(), 4'000'000u);
  run_until(limit, r, time_point{10s});
  auto fast = r.bytes - slow;
  EXPECT_GE(fast, 20'000'000u - 2 * chunk) << "5 s at the new rate";
  EXPECT_LE(fast, 20'000'000u + 400'000u + 2 * chunk);

  // A debt run up at a very low rate does not hold back a raised one.
  limit.set(1'000);
  auto wait = limit.reserve(chunk, r.now);
  EXPECT_GT(wait, 60s);
  limit.set(1'000'000'000);
  EXPECT_EQ(limit.reserve(chunk, r.now), 0ns);

  limit.set(0);
  EXPECT_EQ(limit.reserve(1ULL << 40, r.now), 0ns) << "0 removes the cap";
}

TEST(RateLimitTest, TheLowestCapBinds) {
  auto job = std::make_shared<rate_limit>(5'000'000);
  auto node = std::make_shared<rate_limit>();
  EXPECT_EQ(lowest_rate({job, node, nullptr}), 5'000'000u);
  node->set(1'000'000);
  EXPECT_EQ(lowest_rate({job, node}), 1'000'000u);
  job->set(0);
  node->set(0);
  EXPECT_EQ(lowest_rate({job, node}), 0u);
  EXPECT_EQ(lowest_rate({}), 0u);
}

TEST(RateLimitTest, ReadsUnderACapAreSmall) {
  auto limit = std::make_shared<rate_limit>();
  EXPECT_EQ(paced_read_size({limit}, 1 << 20), std::size_t{1} << 20) << "no cap: full buffers";
  limit->set(100'000'000);
  EXPECT_EQ(paced_read_size({limit}, 1 << 20), 64u * 1024);
  limit->set(100'000);
  EXPECT_EQ(paced_read_size({limit}, 1 << 20), 10'000u) << "a tenth of a second";
  limit->set(10);
  EXPECT_EQ(paced_read_size({limit}, 1 << 20), 1024u);
  EXPECT_EQ(paced_read_size({limit}, 512), 512u);
}

// -- pace: real timers, lower bounds only -------------------------------------

TEST(RatePacingTest, PaceWaitsUntilTheBytesCountAsSent) {
  boost::asio::io_context ioc;
  rate_limits limits{std::make_shared<rate_limit>(1'000'000), std::make_shared<rate_limit>()};
  auto start = std::chrono::steady_clock::now();
  boost::asio::co_spawn(
      ioc,
      [&]() -> boost::asio::awaitable<void> {
        for (int i = 0; i < 4; ++i)
          co_await pace(limits, 100'000);
      },
      boost::asio::detached);
  ioc.run();
  // 400 kB at 1 MB/s, less the 100 kB burst.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
}

TEST(RatePacingTest, ACancelEndsTheWait) {
  boost::asio::io_context ioc;
  rate_limits limits{std::make_shared<rate_limit>(1)}; // days for what is booked below
  boost::asio::cancellation_signal signal;
  std::exception_ptr error;
  bool ended = false;
  boost::asio::co_spawn(ioc, pace(limits, 1'000'000),
                        boost::asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e) {
                          ended = true;
                          error = e;
                        }));
  boost::asio::post(ioc, [&] { signal.emit(boost::asio::cancellation_type::terminal); });
  ioc.run(); // returns only once the wait has ended
  ASSERT_TRUE(ended);
  ASSERT_TRUE(error);
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), boost::asio::error::operation_aborted);
  }
}
