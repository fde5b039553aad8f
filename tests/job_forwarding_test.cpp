#include "tests/support/actor_fixture.hpp"
#include "tests/support/cluster_stand_ins.hpp"

#include "actors/catalog/catalog_actor.hpp"
#include "actors/cluster/job_gateway_actor.hpp"
#include "actors/jobs/job_router_actor.hpp"
#include "messages/cluster_messages.hpp"
#include "messages/errc.hpp"
#include "net/api/event_json.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/send.hpp>

#include <simdjson.h>

#include <fstream>

namespace hive::test {
namespace {

namespace fs = std::filesystem;

// Two hives in one actor system: `gpu-1` asks, `gpu-2` runs. Each has its
// own router, catalog, board and models folder; `gpu-2`'s gateway serves
// `gpu-1`'s relays. The cluster actors are stand-ins that answer as the
// membership's do.

const std::string model_a = "url:http://127.0.0.1:1/a.gguf";

class JobForwardingTest : public actor_fixture {
protected:
  struct hive_node {
    job_settings settings;
    std::shared_ptr<job_board> board = std::make_shared<job_board>();
    caf::actor catalog;
    caf::actor router;
  };

  JobForwardingTest() {
    remote.settings.hive_id = "gpu-2";
    remote.settings.models_dir = temp_dir / "gpu-2";
    fs::create_directories(remote.settings.models_dir);
    remote.catalog = spawn(catalog_actor, remote.settings.models_dir);
    remote.router = spawn(job_router_actor, remote.settings, remote.board, remote.catalog,
                          caf::actor{}, caf::actor{}, scripted_vendors(script));
    gateway =
        spawn(job_gateway_actor, std::string{"gpu-2"}, remote.router, remote.catalog, remote.board);
    remote_cluster_actor = spawn(remote_cluster_stand_in, gateway);

    local.settings.hive_id = "gpu-1";
    local.settings.models_dir = temp_dir / "gpu-1";
    fs::create_directories(local.settings.models_dir);
    local.catalog = spawn(catalog_actor, local.settings.models_dir);
    cluster = spawn(local_cluster_stand_in, remote_cluster_actor);
    local.router = spawn(job_router_actor, local.settings, local.board, local.catalog, caf::actor{},
                         cluster, scripted_vendors(local_script));
    sched.run();
  }

  /// Asks `gpu-1` for a download on `hive_id`.
  std::shared_ptr<reply> download_on(const std::string& hive_id,
                                     const std::string& model = model_a) {
    auto answer = ask(local.router, download_spec{model, "", hive_id, {}, {}, ""});
    sched.run();
    return answer;
  }

  /// The relayed job's id here; the job runs on `gpu-2`.
  std::string forwarded() {
    auto answer = download_on("gpu-2");
    EXPECT_TRUE(answer->value) << caf::to_string(answer->error);
    return answer->value.value_or("");
  }

  /// The job `gpu-2` runs (its only one).
  std::shared_ptr<job_journal> remote_job() const {
    auto jobs = remote.board->list();
    EXPECT_EQ(jobs.size(), 1u);
    return jobs.empty() ? nullptr : jobs.front();
  }

  static std::vector<journal_event> events_of(const job_journal& journal) {
    return journal.read_after(0).events;
  }

  void catalog_entry(const hive_node& hive, const std::string& id) {
    fs::create_directories(hive.settings.models_dir / id);
    std::ofstream{hive.settings.models_dir / id / "metadata.json"}
        << R"({"id":")" << id << R"(","source":"url:http://h/)" << id
        << R"(.gguf","files":[{"name":"f","path":"/x/f","size":1,"sha256":""}]})";
  }

  std::shared_ptr<vendor_script> script = std::make_shared<vendor_script>();
  std::shared_ptr<vendor_script> local_script = std::make_shared<vendor_script>();
  hive_node remote;
  hive_node local;
  caf::actor gateway;
  caf::actor remote_cluster_actor;
  caf::actor cluster;
};

TEST_F(JobForwardingTest, AForwardedJobRelaysEveryEventInOrderWithTheHiveIdAdded) {
  auto job_id = forwarded();
  ASSERT_EQ(script->vendors.size(), 1u) << "the job runs on gpu-2";
  EXPECT_TRUE(local_script->vendors.empty()) << "and not here";
  auto here = local.board->find(job_id);
  ASSERT_TRUE(here) << "the relayed job is on this hive's board";
  EXPECT_EQ(here->summary().hive_id, "gpu-2");
  EXPECT_EQ(here->summary().model, model_a);
  EXPECT_EQ(here->summary().vendor, "url");
  EXPECT_EQ(remote_job()->summary().hive_id, "gpu-2");

  caf::anon_send(script->vendors[0], finish_atom_v);
  sched.run();

  auto there = events_of(*remote_job());
  auto relayed = events_of(*here);
  ASSERT_EQ(relayed.size(), there.size());
  ASSERT_GT(there.size(), 3u);
  for (std::size_t i = 0; i < there.size(); ++i) {
    EXPECT_EQ(relayed[i].name, there[i].name) << i;
    if (there[i].name == "end")
      EXPECT_EQ(relayed[i].data, there[i].data) << "the final marker as it came";
    else
      EXPECT_EQ(relayed[i].data, with_hive_id(there[i].data, "gpu-2")) << i;
  }
  EXPECT_EQ(relayed.back().data, "[DONE]");
  EXPECT_EQ(here->summary().state, job_phase::completed);
  EXPECT_NE(relayed.front().data.find(R"(,"hive_id":"gpu-2"})"), std::string::npos)
      << relayed.front().data;
}

TEST_F(JobForwardingTest, AFailedRemoteJobEndsWithItsErrorAsItCame) {
  script->fail_with = make_error(download_errc::connection_reset, "peer hung up");
  auto job_id = forwarded();
  caf::anon_send(script->vendors[0], finish_atom_v);
  sched.run();

  auto here = local.board->find(job_id);
  auto there = remote_job();
  EXPECT_EQ(last_event(*here).data, last_event(*there).data);
  EXPECT_EQ(last_event(*here).data.rfind("[ERROR] connection_reset: ", 0), 0u)
      << last_event(*here).data;
  EXPECT_EQ(here->summary().state, job_phase::failed);
  EXPECT_EQ(here->summary().error_code, "connection_reset");
  EXPECT_EQ(here->summary().error_message, there->summary().error_message);
}

TEST_F(JobForwardingTest, ACancelIsForwardedAndAnsweredOnlyOnceTheRemoteJobIsCancelled) {
  auto job_id = forwarded();
  ASSERT_EQ(script->part_files.size(), 1u);
  ASSERT_TRUE(fs::exists(script->part_files[0]));

  auto answer = ask<job_phase>(local.router, cancel_atom_v, job_id);
  // One message at a time: when the answer comes, the other hive must have
  // cancelled the job and removed its partial file already.
  while (!answer->value && !answer->error && sched.try_run_once()) {
  }
  ASSERT_TRUE(answer->value) << caf::to_string(answer->error);
  EXPECT_EQ(*answer->value, "cancelled");
  EXPECT_EQ(remote_job()->summary().state, job_phase::cancelled);
  EXPECT_FALSE(fs::exists(script->part_files[0])) << "the remote partial is gone";
  EXPECT_EQ(last_event(*local.board->find(job_id)).data, "[CANCELLED]")
      << "the stream here has ended before the answer";

  sched.run();
  EXPECT_EQ(local.board->find(job_id)->summary().state, job_phase::cancelled);
}

TEST_F(JobForwardingTest, CancelsAtOnceShareOneRequestAndAllGetTheAnswer) {
  auto job_id = forwarded();
  auto first = ask<job_phase>(local.router, cancel_atom_v, job_id);
  auto second = ask<job_phase>(local.router, cancel_atom_v, job_id);
  sched.run();
  EXPECT_EQ(first->value, "cancelled") << caf::to_string(first->error);
  EXPECT_EQ(second->value, "cancelled") << caf::to_string(second->error);
}

TEST_F(JobForwardingTest, ACancelUnderWayWhenTheRemoteHiveGoesDownFindsTheJobFailedAtOnce) {
  auto job_id = forwarded();
  auto answer = ask<job_phase>(local.router, cancel_atom_v, job_id);
  // Everything but the gateway runs: the relay's cancel waits in its mailbox
  // when the other hive goes down.
  auto gateway_job = dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(gateway));
  sched.run_jobs_filtered([gateway_job](caf::resumable* job) { return job != gateway_job; });
  ASSERT_FALSE(answer->value || answer->error);
  caf::anon_send_exit(gateway, caf::exit_reason::kill);
  caf::anon_send_exit(remote_cluster_actor, caf::exit_reason::kill);
  sched.run(); // no time passes
  // The relay answers `hive_unavailable`; the router, as for a supervisor
  // that died, answers with the journal's final state (the API's 409).
  EXPECT_EQ(answer->value, "failed") << caf::to_string(answer->error);
  EXPECT_EQ(local.board->find(job_id)->summary().error_code, "hive_unavailable");
}

TEST_F(JobForwardingTest, TheRemoteHiveGoingDownEndsTheStreamAtOnce) {
  auto job_id = forwarded();
  caf::anon_send_exit(gateway, caf::exit_reason::kill);
  caf::anon_send_exit(remote_cluster_actor, caf::exit_reason::kill);
  sched.run(); // no time passes: the down message alone ends it

  auto here = local.board->find(job_id);
  ASSERT_TRUE(here->finished());
  EXPECT_EQ(here->summary().state, job_phase::failed);
  EXPECT_EQ(here->summary().error_code, "hive_unavailable");
  EXPECT_EQ(last_event(*here).data.rfind("[ERROR] hive_unavailable: hive gpu-2 went away", 0), 0u)
      << last_event(*here).data;

  auto late = ask<job_phase>(local.router, cancel_atom_v, job_id);
  sched.run();
  EXPECT_EQ(late->value, "failed") << "a cancel finds the job ended";
}

TEST_F(JobForwardingTest, UnknownAndDownHivesAreRefusedAndLeaveNoJob) {
  auto unknown = download_on("gpu-9");
  ASSERT_FALSE(unknown->value);
  EXPECT_EQ(unknown->error, make_error(api_errc::unknown_hive));
  EXPECT_EQ(describe(unknown->error).http_status, 404u);

  auto down = download_on("gpu-3");
  ASSERT_FALSE(down->value);
  EXPECT_EQ(down->error, make_error(api_errc::hive_unavailable));
  EXPECT_EQ(describe(down->error).http_status, 503u);

  EXPECT_TRUE(local.board->list().empty());
  EXPECT_TRUE(remote.board->list().empty());
}

TEST_F(JobForwardingTest, AHiveInNoClusterKnowsNoOtherHive) {
  auto lonely = spawn(job_router_actor, local.settings, local.board, local.catalog, caf::actor{},
                      caf::actor{}, scripted_vendors(local_script));
  auto answer = ask(lonely, download_spec{model_a, "", "gpu-2", {}, {}, ""});
  auto own_name = ask(lonely, download_spec{model_a, "", "gpu-1", {}, {}, ""});
  sched.run();
  ASSERT_FALSE(answer->value);
  EXPECT_EQ(answer->error, make_error(api_errc::unknown_hive));
  EXPECT_NE(describe(answer->error).message.find("in no cluster"), std::string::npos);
  EXPECT_TRUE(own_name->value) << "its own name runs here";
  EXPECT_EQ(local_script->vendors.size(), 1u);
}

TEST_F(JobForwardingTest, AClusterThatDoesNotAnswerMakesTheHiveUnavailable) {
  // A cluster actor that takes the lookup and never answers it.
  auto silent = spawn([](caf::event_based_actor* self) -> caf::behavior {
    return {[self](lookup_atom, const std::string&) { return self->make_response_promise(); }};
  });
  auto router = spawn(job_router_actor, local.settings, local.board, local.catalog, caf::actor{},
                      silent, scripted_vendors(local_script));
  auto answer = ask(router, download_spec{model_a, "", "gpu-2", {}, {}, ""});
  sched.run();
  EXPECT_FALSE(answer->value || answer->error) << "waiting for the lookup";
  sched.advance_time(local.settings.forward_timeout);
  sched.run();
  ASSERT_FALSE(answer->value);
  EXPECT_EQ(answer->error, make_error(api_errc::hive_unavailable));
  EXPECT_NE(describe(answer->error).message.find("hive gpu-2 did not answer"), std::string::npos)
      << describe(answer->error).message;
  EXPECT_TRUE(local.board->list().empty());
}

TEST_F(JobForwardingTest, TheRemoteHivesRefusalIsPassedOnAndLeavesNoJob) {
  auto refused = download_on("gpu-2", "magnet:abc");
  ASSERT_FALSE(refused->value);
  EXPECT_EQ(describe(refused->error).code, "invalid_model_ref");
  EXPECT_EQ(describe(refused->error).http_status, 400u);
  EXPECT_TRUE(local.board->list().empty());
  EXPECT_TRUE(remote.board->list().empty());
}

TEST_F(JobForwardingTest, TheRequestingHiveGoneCancelsTheRemoteJob) {
  forwarded();
  ASSERT_TRUE(fs::exists(script->part_files.at(0)));
  // The router's shutdown takes its relays down: nobody can see the job now.
  caf::anon_send_exit(local.router, caf::exit_reason::user_shutdown);
  sched.run();
  EXPECT_EQ(remote_job()->summary().state, job_phase::cancelled);
  EXPECT_FALSE(fs::exists(script->part_files[0]));
}

TEST_F(JobForwardingTest, ARelayedJobsCapIsChangedOnTheHiveThatRunsIt) {
  auto job_id = forwarded();
  auto changed =
      ask<std::uint64_t>(local.router, max_rate_atom_v, job_id, std::uint64_t{3'000'000});
  sched.run();
  EXPECT_EQ(changed->value, "3000000") << caf::to_string(changed->error);
  ASSERT_EQ(script->rate_limits.size(), 1u);
  EXPECT_EQ(script->rate_limits[0][0]->bytes_per_sec(), 3'000'000u);
}

TEST_F(JobForwardingTest, ModelListForEveryHiveNamesEachModelsHive) {
  catalog_entry(local, "here-model");
  catalog_entry(remote, "there-model");
  auto job = ask(local.router, model_op_atom_v, std::string{"model_list"}, std::string{},
                 std::string{"*"});
  sched.run();
  ASSERT_TRUE(job->value) << caf::to_string(job->error);
  auto journal = local.board->find(*job->value);
  ASSERT_TRUE(journal->finished());
  EXPECT_EQ(journal->summary().state, job_phase::completed);
  std::string data;
  for (const auto& e : events_of(*journal))
    if (e.name == "data")
      data = e.data;

  simdjson::dom::parser parser;
  simdjson::dom::array models;
  ASSERT_EQ(parser.parse(data)["payload"]["models"].get(models), simdjson::SUCCESS) << data;
  std::vector<std::pair<std::string, std::string>> found;
  for (auto m : models) {
    std::string_view id, hive;
    ASSERT_EQ(m["id"].get(id), simdjson::SUCCESS);
    ASSERT_EQ(m["hive_id"].get(hive), simdjson::SUCCESS);
    found.emplace_back(hive, id);
  }
  EXPECT_EQ(found, (std::vector<std::pair<std::string, std::string>>{{"gpu-1", "here-model"},
                                                                     {"gpu-2", "there-model"}}))
      << "this hive first; gpu-3 is down and not asked";
}

TEST_F(JobForwardingTest, ModelListForEveryHiveNamesAHiveThatDidNotAnswer) {
  catalog_entry(local, "here-model");
  caf::anon_send_exit(remote_cluster_actor, caf::exit_reason::kill);
  sched.run();
  auto job = ask(local.router, model_op_atom_v, std::string{"model_list"}, std::string{},
                 std::string{"*"});
  sched.run();
  ASSERT_TRUE(job->value) << caf::to_string(job->error);
  auto journal = local.board->find(*job->value);
  EXPECT_EQ(journal->summary().state, job_phase::completed) << "the hives that answered count";
  std::string narration, data;
  for (const auto& e : events_of(*journal)) {
    if (e.name == "narration")
      narration += e.data;
    if (e.name == "data")
      data += e.data;
  }
  EXPECT_NE(narration.find("the models of hive gpu-2 are not listed: hive_unavailable: hive "
                           "gpu-2 did not answer"),
            std::string::npos)
      << narration;
  EXPECT_NE(narration.find(R"("level":"warn")"), std::string::npos) << narration;
  EXPECT_NE(data.find(R"("id":"here-model")"), std::string::npos) << data;
  EXPECT_EQ(data.find("gpu-2"), std::string::npos) << data;
}

TEST_F(JobForwardingTest, ModelListOfAnUnknownHiveFailsNamingIt) {
  auto job = ask(local.router, model_op_atom_v, std::string{"model_list"}, std::string{},
                 std::string{"gpu-9"});
  sched.run();
  ASSERT_TRUE(job->value);
  auto journal = local.board->find(*job->value);
  EXPECT_EQ(journal->summary().error_code, "unknown_hive");
  EXPECT_EQ(last_event(*journal).data, "[ERROR] unknown_hive: no hive gpu-9");
}

TEST_F(JobForwardingTest, CatalogChangesOnAnotherHiveAreRefused) {
  auto refused = ask(local.router, model_op_atom_v, std::string{"model_delete"}, std::string{"m"},
                     std::string{"gpu-2"});
  sched.run();
  ASSERT_FALSE(refused->value);
  EXPECT_EQ(describe(refused->error).code, "invalid_field");
  EXPECT_NE(describe(refused->error).message.find("hive 'gpu-2'"), std::string::npos);
}

/// `msg` written as the middleman writes it to another node, and read back.
caf::message over_the_wire(caf::actor_system& sys, const caf::message& msg) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto copy = msg;
  if (auto err = sink(copy))
    ADD_FAILURE() << "cannot serialize " << caf::to_string(msg) << ": " << sys.render(err);
  caf::message back;
  caf::binary_deserializer source{sys, buf};
  if (auto err = source(back))
    ADD_FAILURE() << "cannot deserialize " << caf::to_string(msg) << ": " << sys.render(err);
  return back;
}

TEST_F(JobForwardingTest, EveryMessageBetweenHivesIsRegisteredForTheWire) {
  // A type missing from the type-ID block fails only over the network: each
  // message the gateway and the relay exchange goes through the serializer.
  relayed_batch batch{
      "job-r", {{"narration", R"({"a":1})"}, {"end", "[DONE]"}}, job_phase::completed, 5, 9, "",
      ""};
  auto back = over_the_wire(sys, caf::make_message(batch));
  ASSERT_TRUE(back.match_elements<relayed_batch>()) << caf::to_string(back);
  EXPECT_EQ(back.get_as<relayed_batch>(0).events.size(), 2u);
  EXPECT_EQ(back.get_as<relayed_batch>(0).events[1].data, "[DONE]");
  EXPECT_EQ(back.get_as<relayed_batch>(0).total, 9u);

  download_spec spec{model_a, "", "gpu-2", {"*.gguf"}, {}, "tok"};
  back = over_the_wire(sys, caf::make_message(forward_atom_v, spec));
  ASSERT_TRUE((back.match_elements<forward_atom, download_spec>())) << caf::to_string(back);
  EXPECT_EQ(back.get_as<download_spec>(1).hive_id, "gpu-2");

  for (const auto& msg :
       {caf::make_message(cancel_atom_v, std::string{"job-r"}),
        caf::make_message(job_phase::cancelled), caf::make_message(models_atom_v),
        caf::make_message(lookup_atom_v, std::string{"gpu-2"}),
        caf::make_message(std::vector<model_record>{model_record{}}),
        caf::make_message(std::vector<hive_status>{hive_status{}}),
        caf::make_message(actors_atom_v),
        caf::make_message(std::vector<actor_row>(2)),
        caf::make_message(max_rate_atom_v, std::string{"job-r"}, std::uint64_t{1})})
    EXPECT_EQ(caf::to_string(over_the_wire(sys, msg)), caf::to_string(msg));
}

TEST(WithHiveIdTest, AddsTheFieldToJsonEventsOnly) {
  EXPECT_EQ(with_hive_id(R"({"type":"narration","a":1})", "gpu-2"),
            R"({"type":"narration","a":1,"hive_id":"gpu-2"})");
  EXPECT_EQ(with_hive_id("{}", "gpu-2"), R"({"hive_id":"gpu-2"})");
  EXPECT_EQ(with_hive_id("[DONE]", "gpu-2"), "[DONE]");
  EXPECT_EQ(with_hive_id("[ERROR] x: {y}", "gpu-2"), "[ERROR] x: {y}");
  EXPECT_EQ(with_hive_id("{}", "a\"b"), R"({"hive_id":"a\"b"})");
}

} // namespace
} // namespace hive::test
