// The actor registry behind GET /v1/actors: what it lists and the figures
// each actor's counted behavior keeps.

#include "tests/support/actor_fixture.hpp"

#include "actors/inspect/registry_actor.hpp"
#include "net/host/wall_clock.hpp"

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

namespace hive::test {
namespace {

struct counter_state {
  static inline const char* name = "counter";
};

using counter_actor_type = caf::stateful_actor<counter_state>;

caf::behavior counter_actor(counter_actor_type*) {
  return {
      [](int) {},
  };
}

class ActorRegistryTest : public actor_fixture {
protected:
  /// A counter announced as a child (id 7) of job-1, its figures in `stats`.
  caf::actor spawn_counter() {
    return adopt(
        spawn_announced(sys, registry, actor_info{"counter", "job-1", 7, stats}, counter_actor));
  }

  caf::actor registry = spawn(registry_actor, std::string{"hive-a"});
  std::shared_ptr<actor_stats> stats = std::make_shared<actor_stats>();
};

TEST_F(ActorRegistryTest, ListsAnAnnouncedActorWithTheMessagesItHandled) {
  auto counter = spawn_counter();
  caf::anon_send(counter, std::string{"no handler for this"});
  for (int i = 0; i < 3; ++i)
    caf::anon_send(counter, i);
  sched.run();

  auto actors = list_actors(registry);
  ASSERT_EQ(actors.size(), 1u);
  const auto& a = actors[0];
  EXPECT_EQ(a.id, counter.id());
  EXPECT_EQ(a.name, "counter");
  EXPECT_EQ(a.kind, "counter");
  EXPECT_EQ(a.job_id, "job-1");
  EXPECT_EQ(a.parent, 7u);
  EXPECT_EQ(a.state, "running");
  EXPECT_EQ(a.messages, 3u) << "an unmatched message is not handled";
  EXPECT_EQ(a.mailbox, 0u);
  EXPECT_EQ(a.bytes_per_sec, std::nullopt) << "it moves no bytes";
  EXPECT_GT(a.started_ms, 0);
  EXPECT_GE(a.uptime_ms, 0);
}

TEST_F(ActorRegistryTest, TheMailboxIsWhatWaitsBehindTheMessageJustHandled) {
  auto counter = spawn_counter();
  sched.run();
  EXPECT_EQ(stats->mailbox.load(), -1) << "unknown before the first message";
  for (int i = 0; i < 3; ++i)
    caf::anon_send(counter, i);
  sched.run_once(); // the test coordinator resumes an actor for one message
  EXPECT_EQ(stats->messages.load(), 1u);
  EXPECT_EQ(stats->mailbox.load(), 2);
  sched.run();
  EXPECT_EQ(stats->messages.load(), 3u);
  EXPECT_EQ(stats->mailbox.load(), 0);
}

TEST_F(ActorRegistryTest, ShowsTheStateAndRateAnActorSets) {
  spawn_counter();
  sched.run();
  show_state(stats, actor_activity::cancelling);
  stats->bytes_per_sec = 1234;
  stats->rate_at_ms = wall_clock_ms();
  auto actors = list_actors(registry);
  ASSERT_EQ(actors.size(), 1u);
  EXPECT_EQ(actors[0].state, "cancelling");
  EXPECT_EQ(actors[0].bytes_per_sec, 1234u);
  EXPECT_EQ(actors[0].mailbox, std::nullopt) << "it has handled no message yet";
  // A transfer that stalls (or waits to retry) reports no new figure: once
  // the last one is older than its lifetime, the rate reads 0.
  stats->rate_at_ms = wall_clock_ms() - actor_stats::rate_lifetime_ms - 1000;
  EXPECT_EQ(list_actors(registry)[0].bytes_per_sec, 0u);
}

TEST_F(ActorRegistryTest, AnActorAnnouncedWithoutFiguresListsThemAsNull) {
  auto plain = spawn(counter_actor);
  announce(registry, plain, actor_info{"plain", "", 0, {}});
  auto actors = list_actors(registry);
  ASSERT_EQ(actors.size(), 1u);
  EXPECT_EQ(actors[0].kind, "plain");
  EXPECT_EQ(actors[0].state, "running");
  EXPECT_EQ(actors[0].messages, std::nullopt);
  EXPECT_EQ(actors[0].mailbox, std::nullopt);
}

TEST_F(ActorRegistryTest, ForgetsAnActorOnceItIsDown) {
  auto counter = spawn_counter();
  sched.run();
  ASSERT_EQ(list_actors(registry).size(), 1u);
  caf::anon_send_exit(counter, caf::exit_reason::user_shutdown);
  sched.run();
  EXPECT_TRUE(list_actors(registry).empty());
}

} // namespace
} // namespace hive::test
