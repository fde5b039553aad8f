#include "actors/vendors/resolver_actor.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "tests/support/actor_fixture.hpp"

#include <caf/send.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <optional>

namespace hive::test {
namespace {

/// Whether the plan below has written its layout.
bool placed = false;

/// A plan that writes its layout without suspending, as hf's does (a
/// cache's refs and links): a cancel cannot stop it halfway.
struct placing_resolver {
  static constexpr const char* name = "placing_resolver";
  static boost::asio::awaitable<caf::expected<job_files>> plan(vendor_context) {
    placed = true;
    co_return job_files{};
  }
};

/// What the resolver told its supervisor, and how it went.
struct watched {
  bool relayed = false;
  std::optional<caf::error> down;
};

class ResolverActorTest : public actor_fixture {
protected:
  /// Watches `resolver` going into `seen`, then cancels it as a supervisor does.
  void cancel(const caf::actor& resolver, const std::shared_ptr<watched>& seen) {
    spawn([resolver, seen](caf::event_based_actor* self) -> caf::behavior {
      self->monitor(resolver);
      self->set_down_handler([seen](caf::down_msg& msg) { seen->down = msg.reason; });
      return {[](int) {}};
    });
    sched.run();
    caf::anon_send(resolver,
                   caf::exit_msg{resolver.address(), make_error(download_errc::cancelled)});
    sched.run();
  }
};

TEST_F(ResolverActorTest, ACancelWaitsUntilThePlanHasStoppedAndRelaysNothing) {
  placed = false;
  boost::asio::io_context io;
  auto seen = std::make_shared<watched>();
  vendor_context ctx;
  ctx.settings.io = &io;
  ctx.supervisor = spawn([seen](caf::event_based_actor*) -> caf::behavior {
    return {[seen](job_files&) { seen->relayed = true; }};
  });
  auto resolver = spawn(resolver_actor<placing_resolver>, ctx);
  cancel(resolver, seen);
  EXPECT_FALSE(seen->down) << "the resolver went while its plan could still write";
  io.run(); // the plan runs to its end, then the cancel reaches it
  sched.run();
  ASSERT_TRUE(seen->down);
  EXPECT_TRUE(placed);
  EXPECT_TRUE(is_cancellation(*seen->down));
  EXPECT_FALSE(seen->relayed);
}

TEST_F(ResolverActorTest, ACancelledPlanThatNeverEndsLetsTheResolverGoAfterTheUnwindLimit) {
  boost::asio::io_context io; // never run: the plan neither starts nor ends
  auto seen = std::make_shared<watched>();
  vendor_context ctx;
  ctx.settings.io = &io;
  auto resolver = spawn(resolver_actor<placing_resolver>, ctx);
  cancel(resolver, seen);
  EXPECT_FALSE(seen->down);
  sched.advance_time(std::chrono::seconds{3});
  sched.run();
  ASSERT_TRUE(seen->down);
  EXPECT_TRUE(is_cancellation(*seen->down));
}

} // namespace
} // namespace hive::test
