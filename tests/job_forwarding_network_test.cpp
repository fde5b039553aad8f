#include "tests/support/actor_fixture.hpp"
#include "tests/support/cluster_stand_ins.hpp"

#include "actors/catalog/catalog_actor.hpp"
#include "actors/cluster/job_gateway_actor.hpp"
#include "actors/jobs/job_router_actor.hpp"
#include "messages/errc.hpp"

#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <chrono>
#include <random>
#include <thread>

namespace hive::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The forwarding protocol over CAF's real network layer: two actor systems in
// one process, each with its middleman, `gpu-2`'s cluster stand-in published
// on a loopback port and reached by `gpu-1` as a remote actor. Every message
// crosses a socket (serialized), handles of actors travel in messages, and a
// hive that goes away is seen through CAF's remote monitoring.

struct hive_system {
  struct config : caf::actor_system_config {
    config() {
      add_message_types<caf::id_block::hive>();
      load<caf::io::middleman>();
      set("scheduler.max-threads", std::size_t{2});
      set("logger.console", caf::atom("none"));
    }
  };

  hive_system(std::string hive_id, const fs::path& dir)
    : sys(std::make_unique<caf::actor_system>(cfg)) {
    settings.hive_id = std::move(hive_id);
    settings.models_dir = dir / settings.hive_id;
    fs::create_directories(settings.models_dir);
    catalog = sys->spawn(catalog_actor, settings.models_dir);
  }

  /// Spawns the router, which finds other hives through `cluster_actor`.
  void start_router(caf::actor cluster_actor = {}) {
    router = sys->spawn(job_router_actor, settings, board, catalog, caf::actor{},
                        std::move(cluster_actor), scripted_vendors(script));
  }

  ~hive_system() {
    stop();
  }

  /// Ends every actor and the system, closing its connections: the hive is gone.
  void stop() {
    if (!sys)
      return;
    for (const auto& a : roots())
      caf::anon_send_exit(a, caf::exit_reason::kill);
    sys->await_all_actors_done();
    sys.reset();
  }

  std::vector<caf::actor> roots() const {
    return {catalog, router, gateway, cluster};
  }

  config cfg;
  std::unique_ptr<caf::actor_system> sys;
  job_settings settings;
  std::shared_ptr<job_board> board = std::make_shared<job_board>();
  std::shared_ptr<vendor_script> script = std::make_shared<vendor_script>();
  caf::actor catalog;
  caf::actor router;
  caf::actor gateway;
  caf::actor cluster;
};

class JobForwardingNetworkTest : public ::testing::Test {
protected:
  JobForwardingNetworkTest() {
    std::random_device rd;
    dir = fs::temp_directory_path() / ("hive-network-test-" + std::to_string(rd()));
    remote = std::make_unique<hive_system>("gpu-2", dir);
    remote->start_router();
    remote->gateway = remote->sys->spawn(job_gateway_actor, std::string{"gpu-2"}, remote->router,
                                         remote->catalog, remote->board);
    remote->cluster = remote->sys->spawn(remote_cluster_stand_in, remote->gateway);
    auto published = remote->sys->middleman().publish(remote->cluster, 0, "127.0.0.1");
    EXPECT_TRUE(published) << remote->sys->render(published.error());
    port = published ? *published : 0;
    local = std::make_unique<hive_system>("gpu-1", dir);
    // `gpu-1` reaches `gpu-2`'s cluster actor over the socket.
    auto gpu2 = local->sys->middleman().remote_actor("127.0.0.1", port);
    EXPECT_TRUE(gpu2) << local->sys->render(gpu2.error());
    local->cluster = local->sys->spawn(local_cluster_stand_in, gpu2 ? *gpu2 : caf::actor{});
    local->start_router(local->cluster);
  }

  ~JobForwardingNetworkTest() override {
    local.reset();
    remote.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  /// Asks `who` and waits for the answer (the actors' own timeouts bound it).
  template <class Answer, class... Ts>
  caf::expected<Answer> ask(hive_system& hive, const caf::actor& who, Ts... xs) {
    caf::scoped_actor self{*hive.sys};
    caf::expected<Answer> out = caf::sec::request_timeout;
    self->request(who, caf::infinite, xs...)
        .receive([&](Answer& value) { out = std::move(value); },
                 [&](caf::error& err) { out = std::move(err); });
    return out;
  }

  /// Polls until `done` holds; false after 20 s (far above anything the
  /// forwarding itself waits for, which is nothing: it is message-driven).
  template <class Predicate>
  static bool eventually(Predicate done) {
    for (auto deadline = std::chrono::steady_clock::now() + 20s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(5ms))
      if (done())
        return true;
    return done();
  }

  std::string forwarded() {
    auto job_id =
        ask<std::string>(*local, local->router,
                         download_spec{"url:http://127.0.0.1:1/a.gguf", "", "gpu-2", {}, {}, ""});
    EXPECT_TRUE(job_id) << caf::to_string(job_id.error());
    return job_id ? *job_id : std::string{};
  }

  fs::path dir;
  std::uint16_t port = 0;
  std::unique_ptr<hive_system> remote;
  std::unique_ptr<hive_system> local;
};

TEST_F(JobForwardingNetworkTest, ACancelCrossesTheNetworkAndTheStreamEndsBeforeTheAnswer) {
  auto job_id = forwarded();
  auto here = local->board->find(job_id);
  ASSERT_TRUE(here);
  ASSERT_TRUE(eventually([&] { return remote->board->list().size() == 1; }));
  auto there = remote->board->list().front();

  auto state = ask<job_phase>(*local, local->router, cancel_atom_v, job_id);
  ASSERT_TRUE(state) << caf::to_string(state.error());
  EXPECT_EQ(*state, job_phase::cancelled);
  EXPECT_EQ(there->summary().state, job_phase::cancelled) << "cancelled there first";
  for (const auto& entry : fs::recursive_directory_iterator{remote->settings.models_dir})
    EXPECT_NE(entry.path().extension(), ".part") << "its partial is gone: " << entry.path();
  ASSERT_TRUE(here->finished()) << "the end was relayed before the answer";
  auto events = here->read_after(0).events;
  EXPECT_EQ(events.back().data, "[CANCELLED]");
  for (const auto& e : events) {
    if (e.name != "end") {
      EXPECT_NE(e.data.find(R"("hive_id":"gpu-2")"), std::string::npos) << e.data;
    }
  }
}

TEST_F(JobForwardingNetworkTest, AHiveThatGoesAwayEndsTheRelayedStreamWithHiveUnavailable) {
  auto job_id = forwarded();
  auto here = local->board->find(job_id);
  ASSERT_TRUE(here);
  remote->stop(); // its connection closes: CAF tells the monitors

  ASSERT_TRUE(eventually([&] { return here->finished(); }));
  EXPECT_EQ(here->summary().error_code, "hive_unavailable");
  auto end = here->read_after(0).events.back().data;
  EXPECT_EQ(end.rfind("[ERROR] hive_unavailable: hive gpu-2 went away", 0), 0u) << end;

  auto again =
      ask<std::string>(*local, local->router,
                       download_spec{"url:http://127.0.0.1:1/b.gguf", "", "gpu-2", {}, {}, ""});
  ASSERT_FALSE(again);
  EXPECT_EQ(describe(again.error()).code, "hive_unavailable")
      << "a hive whose link is gone takes no new job";
}

} // namespace
} // namespace hive::test
