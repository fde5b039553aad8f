#include "tests/support/actor_fixture.hpp"

#include "actors/catalog/catalog_actor.hpp"
#include "actors/jobs/job_router_actor.hpp"
#include "actors/vendors/local/local_vendor.hpp"
#include "messages/errc.hpp"

#include <caf/send.hpp>

#include <fstream>
#include <stdexcept>

namespace hive::test {
namespace {

namespace fs = std::filesystem;

const std::string model_a = "url:http://127.0.0.1:1/a.gguf";
const std::string model_b = "url:http://127.0.0.1:1/b.gguf";

class JobRouterTest : public actor_fixture {
protected:
  JobRouterTest() {
    settings.models_dir = temp_dir / "models";
    settings.max_concurrent = 1;
    fs::create_directories(settings.models_dir);
    router = spawn_router(settings);
  }

  caf::actor spawn_router(const job_settings& with) {
    auto catalog = spawn(catalog_actor, with.models_dir);
    auto factory = [this, scripted = scripted_vendors(script)](caf::event_based_actor* sup,
                                                               const vendor_context& ctx) {
      if (crash_next) {
        crash_next = false;
        throw std::runtime_error{"vendor factory bug"};
      }
      return scripted(sup, ctx);
    };
    auto spawned =
        spawn(job_router_actor, with, board, catalog, caf::actor{}, caf::actor{}, factory);
    sched.run();
    return spawned;
  }

  /// Writes a catalog entry as a finished job would have.
  void catalog_entry(const std::string& id, const std::string& source,
                     const std::string& blob = {}) {
    fs::create_directories(settings.models_dir / id);
    std::ofstream{settings.models_dir / id / "metadata.json"}
        << R"({"id":")" << id << R"(","source":")" << source
        << R"(","files":[{"name":"f","path":"/x/f","size":1,"sha256":"","blob":")" << blob
        << R"("}]})";
  }

  std::shared_ptr<reply> download_spec_of(const std::string& model, bool replace = false) {
    download_spec spec{model, "", "localhost", {}, {}, ""};
    spec.replace = replace;
    auto answer = ask(router, spec);
    sched.run();
    return answer;
  }

  job_settings settings;

  /// Submits a download and returns its job id (the router must accept it).
  std::string download(const std::string& model) {
    auto answer = ask(router, download_spec{model, "", "localhost", {}, {}, ""});
    sched.run();
    EXPECT_TRUE(answer->value) << caf::to_string(answer->error);
    return answer->value.value_or("");
  }

  std::string state_of(const std::string& job_id) const {
    auto journal = board->find(job_id);
    return journal ? std::string{state_name(journal->summary().state)} : "<no journal>";
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

TEST_F(JobRouterTest, ASecondJobForALiveModelFromTheSameSourceIsAccepted) {
  auto a = download(model_a);
  auto again = download(model_a); // its files' transfers are shared
  EXPECT_NE(again, a);
  EXPECT_EQ(board->list().size(), 2u);
  EXPECT_EQ(state_of(a), "running");
  EXPECT_EQ(state_of(again), "queued");
}

TEST_F(JobRouterTest, RefusesASecondDownloadOfALiveModelThatCannotShare) {
  auto a = download(model_a);
  auto b = download(model_b);

  // The same model (`a`) from another source would write the same folder.
  auto elsewhere =
      ask(router, download_spec{"url:http://127.0.0.1:2/a.gguf", "", "localhost", {}, {}, ""});
  auto queued_elsewhere =
      ask(router, download_spec{"url:http://127.0.0.1:2/b.gguf", "", "localhost", {}, {}, ""});
  sched.run();

  EXPECT_FALSE(elsewhere->value);
  EXPECT_EQ(elsewhere->error, make_error(api_errc::already_downloading));
  EXPECT_FALSE(queued_elsewhere->value);
  EXPECT_EQ(queued_elsewhere->error, make_error(api_errc::already_downloading));
  EXPECT_EQ(board->list().size(), 2u);
  EXPECT_EQ(state_of(a), "running");
  EXPECT_EQ(state_of(b), "queued");
}

TEST_F(JobRouterTest, AJobsOwnCapIsSharedWithItsVendorsAndChangesWhileItRuns) {
  settings.max_rate->set(5'000'000); // the router's copy of the settings shares it
  download_spec spec{model_a, "", "localhost", {}, {}, ""};
  spec.max_rate = 1'000'000;
  auto accepted = ask(router, spec);
  sched.run();
  ASSERT_TRUE(accepted->value) << caf::to_string(accepted->error);
  auto a = *accepted->value;
  auto b = download(model_b); // queued behind a
  ASSERT_EQ(script->rate_limits.size(), 1u);
  auto limits = script->rate_limits[0];
  ASSERT_EQ(limits.size(), 2u);
  EXPECT_EQ(limits[0]->bytes_per_sec(), 1'000'000u) << "the job's own";
  EXPECT_EQ(limits[1], settings.max_rate) << "the node's, the same object for every job";

  auto raised = ask<std::uint64_t>(router, max_rate_atom_v, a, std::uint64_t{8'000'000});
  auto queued = ask<std::uint64_t>(router, max_rate_atom_v, b, std::uint64_t{0});
  auto unknown = ask<std::uint64_t>(router, max_rate_atom_v, std::string{"job-x"},
                                    std::uint64_t{1});
  sched.run();
  EXPECT_EQ(raised->value, "5000000") << "the node's cap binds";
  EXPECT_EQ(limits[0]->bytes_per_sec(), 8'000'000u) << "the vendor's object changed at once";
  EXPECT_EQ(queued->value, "5000000");
  EXPECT_EQ(unknown->error, make_error(api_errc::not_found));
  auto said = false;
  for (const auto& event : board->find(a)->read_after(0).events)
    said = said || event.data.find("rate cap of this job set to 8.0 MB/s") != std::string::npos;
  EXPECT_TRUE(said) << "the job's narration tells the change";

  caf::anon_send(script->vendors[0], finish_atom_v);
  sched.run();
  ASSERT_EQ(state_of(a), "completed");
  auto late = ask<std::uint64_t>(router, max_rate_atom_v, a, std::uint64_t{1});
  sched.run();
  EXPECT_EQ(late->error, make_error(api_errc::job_finished));
}

TEST_F(JobRouterTest, RefusesASecondImportOfALiveModel) {
  settings.vendors.of<local_settings>().import_roots = {temp_dir};
  router = spawn_router(settings);
  std::ofstream{temp_dir / "weights.gguf"} << "w";
  auto model = "local:" + (temp_dir / "weights.gguf").string();
  auto a = download(model);

  // An import's job alone writes its files: a second one has nothing to share.
  auto again = download_spec_of(model);
  EXPECT_FALSE(again->value);
  EXPECT_EQ(again->error, make_error(api_errc::already_downloading));
  EXPECT_EQ(state_of(a), "running");
}

TEST_F(JobRouterTest, CancellingAQueuedJobNeverStartsIt) {
  auto a = download(model_a);
  auto b = download(model_b);

  auto answer = ask<job_phase>(router, cancel_atom_v, b);
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

TEST_F(JobRouterTest, RefusesJobsBeyondTheQueueLimit) {
  settings.max_queued = 2;
  router = spawn_router(settings);
  auto running = download(model_a);
  auto first = download(model_b);
  auto second = download("url:http://127.0.0.1:1/c.gguf");

  auto refused = download_spec_of("url:http://127.0.0.1:1/d.gguf");
  ASSERT_FALSE(refused->value);
  EXPECT_EQ(refused->error, make_error(api_errc::too_many_jobs));
  EXPECT_NE(describe(refused->error).message.find("--max-queued 2"), std::string::npos)
      << describe(refused->error).message;
  EXPECT_EQ(board->list().size(), 3u) << "a refused job leaves no journal";

  // A slot frees: the queue moves up and takes one more.
  caf::anon_send(script->vendors[0], finish_atom_v);
  sched.run();
  EXPECT_EQ(state_of(running), "completed");
  EXPECT_EQ(state_of(first), "running");
  EXPECT_EQ(state_of(second), "queued");
  EXPECT_TRUE(download_spec_of("url:http://127.0.0.1:1/d.gguf")->value);
}

TEST_F(JobRouterTest, QueuedJobsArmNoTimers) {
  download(model_a); // running: its heartbeat is armed
  auto timers = sched.clock().schedule().size();
  for (int i = 0; i < 20; ++i)
    download("url:http://127.0.0.1:1/q" + std::to_string(i) + ".gguf");
  EXPECT_EQ(sched.clock().schedule().size(), timers);
}

TEST_F(JobRouterTest, RefusesAnotherSourceOfACatalogedIdUnlessReplaced) {
  catalog_entry("a", "url:http://elsewhere.example/models/a.gguf");

  auto clobber = download_spec_of(model_a);
  ASSERT_FALSE(clobber->value);
  EXPECT_EQ(clobber->error, make_error(api_errc::model_exists));
  EXPECT_NE(describe(clobber->error).message.find("elsewhere.example"), std::string::npos)
      << describe(clobber->error).message;
  EXPECT_TRUE(board->list().empty());

  EXPECT_TRUE(download_spec_of(model_a, true)->value) << "replace: true overrides";
}

TEST_F(JobRouterTest, ReDownloadingTheSameSourceIsAllowed) {
  // The same URL with another (signed) query, and another revision of a repository.
  catalog_entry("a", model_a + "?sig=old");
  catalog_entry("org.name", "hf:org/name@v1");
  EXPECT_TRUE(download_spec_of(model_a + "?sig=new")->value);
  EXPECT_TRUE(download_spec_of("hf:org/name@v2")->value);
}

TEST_F(JobRouterTest, ADeleteOfAModelInUseIsRefusedNamingTheJob) {
  catalog_entry("a", model_a);
  auto writer = download(model_a);
  auto queued_writer = download(model_b);
  catalog_entry("b", model_b);

  for (auto [id, job] : {std::pair{"a", writer}, {"b", queued_writer}}) {
    auto refused = ask(router, caf::delete_atom_v, std::string{id});
    sched.run();
    ASSERT_FALSE(refused->value) << id;
    EXPECT_EQ(refused->error, make_error(api_errc::model_in_use));
    EXPECT_EQ(describe(refused->error).job_id, job);
    EXPECT_TRUE(fs::exists(settings.models_dir / id / "metadata.json"));
  }
  auto as_job = ask(router, model_op_atom_v, std::string{"model_delete"}, std::string{"a"},
                    std::string{"localhost"});
  sched.run();
  ASSERT_FALSE(as_job->value);
  EXPECT_EQ(describe(as_job->error).code, "model_in_use");

  auto cancelled = ask<job_phase>(router, cancel_atom_v, queued_writer);
  sched.run();
  auto deleted = ask(router, caf::delete_atom_v, std::string{"b"});
  sched.run();
  ASSERT_TRUE(deleted->value) << caf::to_string(deleted->error);
  EXPECT_FALSE(fs::exists(settings.models_dir / "b"));
}

TEST_F(JobRouterTest, ADeleteWaitsForAJobThatMayLinkTheSameBlobs) {
  // Another file of the same Hub repository: its job writes into the same
  // cache folder, where the two models may share blobs.
  catalog_entry("q4", "hf:org/name:q4.gguf", "/cache/models--org--name/blobs/abc");
  catalog_entry("other", "hf:org/other:q4b.gguf", "/cache/models--org--other/blobs/def");
  auto job = download("hf:org/name:q8.gguf");

  auto refused = ask(router, caf::delete_atom_v, std::string{"q4"});
  auto unrelated = ask(router, caf::delete_atom_v, std::string{"other"});
  sched.run();
  ASSERT_FALSE(refused->value);
  EXPECT_EQ(describe(refused->error).code, "model_in_use");
  EXPECT_EQ(describe(refused->error).job_id, job);
  EXPECT_TRUE(unrelated->value) << caf::to_string(unrelated->error);
}

} // namespace
} // namespace hive::test
