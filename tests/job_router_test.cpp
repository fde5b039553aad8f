#include "tests/support/actor_fixture.hpp"

#include "actors/catalog_actor.hpp"
#include "actors/job_router_actor.hpp"
#include "messages/errc.hpp"

#include <caf/send.hpp>

#include <stdexcept>

namespace hive::test {
namespace {

namespace fs = std::filesystem;

const std::string model_a = "url:http://127.0.0.1:1/a.gguf";
const std::string model_b = "url:http://127.0.0.1:1/b.gguf";

class JobRouterTest : public actor_fixture {
protected:
  JobRouterTest() {
    job_settings settings;
    settings.models_dir = temp_dir / "models";
    settings.max_concurrent = 1;
    fs::create_directories(settings.models_dir);
    auto catalog = spawn(catalog_actor, settings.models_dir);
    auto factory = [this, scripted = scripted_vendors(script)](caf::event_based_actor* sup,
                                                               const vendor_context& ctx) {
      if (crash_next) {
        crash_next = false;
        throw std::runtime_error{"vendor factory bug"};
      }
      return scripted(sup, ctx);
    };
    router = spawn(job_router_actor, settings, board, catalog, caf::actor{}, factory);
    sched.run();
  }

  /// Submits a download and returns its job id (the router must accept it).
  std::string download(const std::string& model) {
    auto answer = ask(router, download_spec{model, "", "localhost", {}, {}, ""});
    sched.run();
    EXPECT_TRUE(answer->value) << caf::to_string(answer->error);
    return answer->value.value_or("");
  }

  std::string state_of(const std::string& job_id) const {
    auto journal = board->find(job_id);
    return journal ? journal->summary().state : "<no journal>";
  }

  std::shared_ptr<vendor_script> script = std::make_shared<vendor_script>();
  /// Makes the factory throw once, which crashes the job's supervisor.
  bool crash_next = false;
  std::shared_ptr<job_board> board = std::make_shared<job_board>();
  caf::actor router;
};

TEST_F(JobRouterTest, ASecondJobWaitsForTheOnlySlot) {
  script->fail_with = make_error(download_errc::connection_reset, "boom");
  auto a = download(model_a);
  auto b = download(model_b);
  EXPECT_EQ(state_of(a), "running");
  EXPECT_EQ(state_of(b), "queued");
  ASSERT_EQ(script->job_ids, std::vector<std::string>{a});

  caf::anon_send(script->vendors[0], finish_atom_v);
  sched.run();

  EXPECT_EQ(state_of(a), "failed");
  EXPECT_EQ(state_of(b), "running");
  EXPECT_EQ(script->job_ids, (std::vector<std::string>{a, b}));
}

TEST_F(JobRouterTest, RefusesASecondDownloadOfALiveModel) {
  auto a = download(model_a);
  auto b = download(model_b);

  auto again = ask(router, download_spec{model_a, "", "localhost", {}, {}, ""});
  auto queued_again = ask(router, download_spec{model_b, "", "localhost", {}, {}, ""});
  sched.run();

  EXPECT_FALSE(again->value);
  EXPECT_EQ(again->error, make_error(api_errc::already_downloading));
  EXPECT_FALSE(queued_again->value);
  EXPECT_EQ(queued_again->error, make_error(api_errc::already_downloading));
  EXPECT_EQ(board->list().size(), 2u);
  EXPECT_EQ(state_of(a), "running");
  EXPECT_EQ(state_of(b), "queued");
}

TEST_F(JobRouterTest, CancellingAQueuedJobNeverStartsIt) {
  auto a = download(model_a);
  auto b = download(model_b);

  auto answer = ask(router, cancel_atom_v, b);
  sched.run();
  ASSERT_TRUE(answer->value) << caf::to_string(answer->error);
  EXPECT_EQ(*answer->value, "cancelled");
  EXPECT_EQ(state_of(b), "cancelled");
  EXPECT_EQ(last_event(*board->find(b)).data, "[CANCELLED]");

  // Free the slot: the cancelled job must not take it.
  caf::anon_send(script->vendors[0], finish_atom_v);
  sched.run();
  EXPECT_EQ(state_of(a), "completed");
  EXPECT_EQ(script->job_ids, std::vector<std::string>{a});
}

TEST_F(JobRouterTest, ACrashedSupervisorFailsItsJobAndFreesItsSlot) {
  crash_next = true;
  auto a = download(model_a);
  auto b = download(model_b);

  EXPECT_EQ(state_of(a), "failed");
  EXPECT_EQ(board->find(a)->summary().error_code, "internal");
  EXPECT_EQ(state_of(b), "running");
  EXPECT_EQ(script->job_ids, std::vector<std::string>{b});
}

TEST_F(JobRouterTest, AShutdownStillEndsTheRouterAndItsJobs) {
  download(model_a);

  caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
  sched.run();

  ASSERT_EQ(script->exit_reasons.size(), 1u);
  EXPECT_EQ(script->exit_reasons[0], caf::exit_reason::user_shutdown);
  auto late = ask(router, download_spec{model_b, "", "localhost", {}, {}, ""});
  sched.run();
  EXPECT_FALSE(late->value);
}

} // namespace
} // namespace hive::test
