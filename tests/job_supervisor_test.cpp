#include "tests/support/actor_fixture.hpp"

#include "actors/catalog/catalog_actor.hpp"
#include "actors/jobs/job_supervisor_actor.hpp"
#include "actors/inspect/registry_actor.hpp"
#include "messages/errc.hpp"
#include "net/host/part_file.hpp"
#include "net/host/space_ledger.hpp"

#include <caf/send.hpp>

#include <sys/stat.h>

namespace hive::test {
namespace {

namespace fs = std::filesystem;

class JobSupervisorTest : public actor_fixture {
protected:
  /// Spawns a supervisor for `source` whose parent is a probe.
  void spawn_supervisor(const std::string& source = "url:http://127.0.0.1:1/m.gguf") {
    job_settings settings;
    settings.parallel_files = 2;
    settings.models_dir = temp_dir / "models";
    settings.space = ledger;
    settings.min_free = min_free;
    fs::create_directories(settings.models_dir);
    catalog = spawn(catalog_actor, settings.models_dir);
    job_summary summary;
    summary.job_id = "job-1";
    journal = std::make_shared<job_journal>(summary);
    auto factory = scripted_vendors(script);
    auto counting = [this, factory](caf::event_based_actor* sup, const vendor_context& ctx) {
      ++factory_calls;
      return factory(sup, ctx);
    };
    job_plan plan{"job-1",  *parse_model_ref(source),
                  source,   "",
                  {},       {},
                  "",       journal,
                  catalog,  registry,
                  settings, counting,
                  stats};
    std::tie(parent, parent_box) = spawn_probe();
    // Spawned and announced as the router does it.
    supervisor = spawn(observed(job_supervisor_actor, stats), parent, plan);
    announce(registry, supervisor, actor_info{"job_supervisor", "job-1", parent.id(), stats});
    sched.run();
  }

  void start() {
    caf::anon_send(supervisor, start_atom_v);
    sched.run();
  }

  fs::path models_dir() const {
    return temp_dir / "models";
  }

  /// The catalog as the scheduler's job queue holds it.
  caf::resumable* catalog_job() const {
    return dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(catalog));
  }

  /// Runs every pending job but the catalog's, which stays queued with its mail.
  void run_all_but_catalog() {
    sched.run_jobs_filtered([held = catalog_job()](caf::resumable* job) { return job != held; });
  }

  /// Whether the catalog has mail waiting and the first is a `put_atom` request.
  bool catalog_holds_put() {
    if (!sched.prioritize(catalog))
      return false;
    auto* mail = sched.next_job<caf::scheduled_actor>().mailbox().peek();
    return mail != nullptr && mail->content().match_element<caf::put_atom>(0);
  }

  std::shared_ptr<vendor_script> script = std::make_shared<vendor_script>();
  int factory_calls = 0;
  /// The node's ledger of promised disk space, if the test checks it.
  net::space_ledger* ledger = nullptr;
  std::uint64_t min_free = 0;
  caf::actor registry = spawn(registry_actor, std::string{"hive-a"});
  std::shared_ptr<actor_stats> stats = std::make_shared<actor_stats>();
  std::shared_ptr<job_journal> journal;
  caf::actor catalog;
  caf::actor parent;
  std::shared_ptr<inbox> parent_box;
  caf::actor supervisor;
};

// The supervisor spawns one vendor per job (start() keeps the one handle the
// factory returns), so the cancel "broadcast" reaches that one vendor.
TEST_F(JobSupervisorTest, CancelStopsTheVendorAndRemovesItsPartFile) {
  spawn_supervisor();
  start();
  ASSERT_EQ(script->vendors.size(), 1u);
  ASSERT_TRUE(fs::exists(script->part_files.at(0)));
  EXPECT_EQ(state_name(journal->summary().state), "running");

  auto answer = ask<job_phase>(supervisor, cancel_atom_v);
  sched.run();

  ASSERT_TRUE(answer->value) << caf::to_string(answer->error);
  EXPECT_EQ(*answer->value, "cancelled");
  ASSERT_EQ(script->exit_reasons.size(), 1u);
  EXPECT_EQ(script->exit_reasons[0], make_error(download_errc::cancelled));
  EXPECT_TRUE(files_ending(models_dir(), ".part").empty());
  EXPECT_EQ(last_event(*journal).name, "end");
  EXPECT_EQ(last_event(*journal).data, "[CANCELLED]");
  EXPECT_EQ(state_name(journal->summary().state), "cancelled");
  ASSERT_EQ(parent_box->outcomes.size(), 1u);
  EXPECT_EQ(parent_box->outcomes[0].job_id, "job-1");
  EXPECT_EQ(state_name(parent_box->outcomes[0].state), "cancelled");
}

TEST_F(JobSupervisorTest, TheRegistryListsItsPhaseAndItsActorsUnderIt) {
  spawn_supervisor();
  auto queued = list_actors(registry);
  ASSERT_EQ(of_kind(queued, "job_supervisor").size(), 1u);
  EXPECT_EQ(of_kind(queued, "job_supervisor")[0].state, "queued");
  for (const char* kind : {"narration", "tracker"}) {
    auto found = of_kind(queued, kind);
    ASSERT_EQ(found.size(), 1u) << kind;
    EXPECT_EQ(found[0].parent, supervisor.id()) << kind;
    EXPECT_EQ(found[0].job_id, "job-1") << kind;
    EXPECT_EQ(found[0].state, "running") << kind;
  }

  start();
  auto running = list_actors(registry);
  auto sup = of_kind(running, "job_supervisor");
  ASSERT_EQ(sup.size(), 1u);
  EXPECT_EQ(sup[0].state, "running");
  EXPECT_GE(sup[0].messages.value_or(0), 1u) << "start_atom";
  EXPECT_EQ(sup[0].mailbox, 0u);
  auto vendors = of_kind(running, "url_vendor");
  ASSERT_EQ(vendors.size(), 1u);
  EXPECT_EQ(vendors[0].id, script->vendors.at(0).id());
  EXPECT_EQ(vendors[0].parent, supervisor.id());
  EXPECT_EQ(vendors[0].job_id, "job-1");

  ask<job_phase>(supervisor, cancel_atom_v);
  auto* vendor_job =
      dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(script->vendors.at(0)));
  sched.run_jobs_filtered([vendor_job](caf::resumable* job) { return job != vendor_job; });
  EXPECT_EQ(activity_name(stats->state.load()), "cancelling") << "until its vendor is down";
  sched.run();
  EXPECT_EQ(activity_name(stats->state.load()), "done");
  EXPECT_TRUE(list_actors(registry).empty()) << "the job's actors are all down";
}

TEST_F(JobSupervisorTest, CancelWhileQueuedNeverSpawnsAVendor) {
  spawn_supervisor();

  auto answer = ask<job_phase>(supervisor, cancel_atom_v);
  sched.run();

  ASSERT_TRUE(answer->value) << caf::to_string(answer->error);
  EXPECT_EQ(*answer->value, "cancelled");
  EXPECT_EQ(last_event(*journal).data, "[CANCELLED]");
  EXPECT_EQ(state_name(journal->summary().state), "cancelled");
  EXPECT_EQ(factory_calls, 0);
  ASSERT_EQ(parent_box->outcomes.size(), 1u);
  EXPECT_EQ(state_name(parent_box->outcomes[0].state), "cancelled");
}

TEST_F(JobSupervisorTest, AFailingVendorFailsTheJob) {
  script->fail_with = make_error(download_errc::connection_reset, "boom");
  spawn_supervisor();
  start();
  ASSERT_EQ(script->vendors.size(), 1u);

  caf::anon_send(script->vendors[0], finish_atom_v);
  sched.run();

  EXPECT_EQ(state_name(journal->summary().state), "failed");
  EXPECT_EQ(last_event(*journal).name, "end");
  EXPECT_EQ(last_event(*journal).data, "[ERROR] connection_reset: boom");
  ASSERT_EQ(parent_box->outcomes.size(), 1u);
  EXPECT_EQ(state_name(parent_box->outcomes[0].state), "failed");
  EXPECT_EQ(parent_box->outcomes[0].error_code, "connection_reset");
  EXPECT_EQ(parent_box->outcomes[0].error_message, "boom");
}

TEST_F(JobSupervisorTest, AFetchedFileIsCatalogedAndTheJobCompletes) {
  spawn_supervisor();
  start();
  ASSERT_EQ(script->vendors.size(), 1u);

  caf::anon_send(script->vendors[0], finish_atom_v);
  sched.run();

  EXPECT_EQ(state_name(journal->summary().state), "completed");
  EXPECT_EQ(last_event(*journal).data, "[DONE]");
  EXPECT_TRUE(fs::is_regular_file(models_dir() / "m" / "metadata.json"));
  EXPECT_TRUE(fs::is_regular_file(models_dir() / "m" / "m.gguf"));
  EXPECT_TRUE(files_ending(models_dir(), ".part").empty());
  ASSERT_EQ(parent_box->outcomes.size(), 1u);
  EXPECT_EQ(state_name(parent_box->outcomes[0].state), "completed");
}

// The catalog writes the entry while the cancel waits in the supervisor, so
// the reply handler must undo the entry: holding the catalog's job in the
// scheduler's queue puts the cancel between the put request and its reply.
TEST_F(JobSupervisorTest, CancelWhileFinalizingRemovesTheCatalogEntryAndFiles) {
  spawn_supervisor();
  start();
  ASSERT_EQ(script->vendors.size(), 1u);
  auto model_file = models_dir() / "m" / "m.gguf";
  auto metadata = models_dir() / "m" / "metadata.json";

  caf::anon_send(script->vendors[0], finish_atom_v);
  run_all_but_catalog();

  ASSERT_TRUE(fs::is_regular_file(model_file));
  EXPECT_TRUE(script->exit_reasons.empty()); // the vendor quit on its own
  EXPECT_EQ(state_name(journal->summary().state), "running");
  EXPECT_NE(journal->read_after(0).events.back().data.find(R"("action":"finalize")"),
            std::string::npos);
  ASSERT_TRUE(catalog_holds_put());
  EXPECT_FALSE(fs::exists(metadata));

  auto answer = ask<job_phase>(supervisor, cancel_atom_v);
  run_all_but_catalog();

  EXPECT_FALSE(answer->value); // answered once the catalog has replied
  EXPECT_EQ(state_name(journal->summary().state), "running");
  ASSERT_TRUE(catalog_holds_put());

  // The catalog alone runs: it writes the entry and replies.
  sched.run_once();
  EXPECT_TRUE(fs::is_regular_file(metadata));
  sched.run();

  ASSERT_TRUE(answer->value) << caf::to_string(answer->error);
  EXPECT_EQ(*answer->value, "cancelled");
  EXPECT_EQ(last_event(*journal).name, "end");
  EXPECT_EQ(last_event(*journal).data, "[CANCELLED]");
  EXPECT_EQ(state_name(journal->summary().state), "cancelled");
  EXPECT_FALSE(fs::exists(metadata));
  EXPECT_FALSE(fs::exists(model_file));
  EXPECT_TRUE(files_ending(models_dir(), ".part").empty());
  ASSERT_EQ(parent_box->outcomes.size(), 1u);
  EXPECT_EQ(parent_box->outcomes[0].job_id, "job-1");
  EXPECT_EQ(state_name(parent_box->outcomes[0].state), "cancelled");
}

} // namespace
/// A resolver that answers three files of a snapshot, fetched two at a time.
class SnapshotSupervisorTest : public JobSupervisorTest {
protected:
  void SetUp() override {
    job_files files;
    for (const char* name : {"a.safetensors", "b.safetensors", "c.json"}) {
      auto blob = temp_dir / "cache" / "blobs" / name;
      file_task task;
      task.name = name;
      task.url = "http://127.0.0.1:1/" + std::string{name};
      task.part_path = blob.string() + ".incomplete";
      task.final_path = blob.string();
      task.size = 100;
      files.tasks.push_back(std::move(task));
    }
    script->files = files;
    spawn_supervisor("hf:org/repo");
    start();
    ASSERT_EQ(script->vendors.size(), 1u); // the resolver
    caf::anon_send(script->vendors[0], finish_atom_v);
    sched.run();
  }

  void finish(std::size_t vendor) {
    caf::anon_send(script->vendors.at(vendor), finish_atom_v);
    sched.run();
  }
};

TEST_F(SnapshotSupervisorTest, HandsFilesToSiblingVendorsAFewAtATime) {
  ASSERT_EQ(script->vendors.size(), 3u); // the resolver, then two files; one waits
  finish(1);
  ASSERT_EQ(script->vendors.size(), 4u);
  finish(2);
  finish(3);
  EXPECT_EQ(last_event(*journal).data, "[DONE]");
  auto entry = ask<model_record>(catalog, caf::get_atom_v, std::string{"org.repo"});
  sched.run();
  ASSERT_TRUE(entry->value) << caf::to_string(entry->error);
  for (const char* name : {"a.safetensors", "b.safetensors", "c.json"})
    EXPECT_NE(entry->value->find(name), std::string::npos) << *entry->value;
}

TEST_F(SnapshotSupervisorTest, CancelStopsEveryFileAndStartsNoMore) {
  finish(1); // a.safetensors is done; b and c are under way
  auto answer = ask<job_phase>(supervisor, cancel_atom_v);
  sched.run();
  ASSERT_TRUE(answer->value);
  EXPECT_EQ(*answer->value, "cancelled");
  EXPECT_EQ(script->vendors.size(), 4u); // nothing started after the cancel
  EXPECT_EQ(script->exit_reasons.size(), 2u);
  EXPECT_TRUE(files_ending(temp_dir / "cache", ".incomplete").empty());
  EXPECT_FALSE(
      fs::exists(temp_dir / "cache" / "blobs" / "a.safetensors")); // fetched, then cancelled
  EXPECT_EQ(last_event(*journal).data, "[CANCELLED]");
}

TEST_F(SnapshotSupervisorTest, OneFailedFileStopsItsSiblingsAndFailsTheJob) {
  script->fail_with = make_error(download_errc::checksum_mismatch, "a.safetensors: bad");
  finish(1);
  EXPECT_EQ(script->vendors.size(), 3u); // c.json never started
  ASSERT_EQ(script->exit_reasons.size(), 1u);
  EXPECT_EQ(script->exit_reasons[0], make_error(download_errc::cancelled));
  EXPECT_EQ(last_event(*journal).data.rfind("[ERROR] checksum_mismatch: a.safetensors: bad", 0),
            0u);
  EXPECT_EQ(state_name(journal->summary().state), "failed");
  // Its part has no validator: nothing a later attempt could resume.
  EXPECT_TRUE(files_ending(temp_dir / "cache", ".incomplete").empty());
}

TEST_F(SnapshotSupervisorTest, AFailedFilesResumablePartIsKeptForTheNextAttempt) {
  ASSERT_FALSE(net::save_validator(script->part_files.at(0), "\"v1\""));
  script->fail_with = make_error(download_errc::connection_reset, "a.safetensors: reset");
  finish(1);
  EXPECT_EQ(state_name(journal->summary().state), "failed");
  EXPECT_TRUE(fs::exists(script->part_files.at(0)));
  EXPECT_FALSE(fs::exists(script->part_files.at(1))) << "the cancelled sibling keeps nothing";
}

// The failed file keeps its part for a resume while its siblings unwind; a
// cancel that arrives then turns the job into a cancelled one, which keeps
// nothing: the failed file's part must go too.
TEST_F(SnapshotSupervisorTest, ACancelDuringAFailedSnapshotsUnwindRemovesTheFailedFilesPart) {
  for (const auto& part : script->part_files) // resumable, as a transfer's are
    ASSERT_FALSE(net::save_validator(part, "\"v1\""));
  script->fail_with = make_error(download_errc::connection_reset, "a.safetensors: reset");
  auto* sibling =
      dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(script->vendors.at(2)));
  caf::anon_send(script->vendors.at(1), finish_atom_v);
  sched.run_jobs_filtered([sibling](caf::resumable* job) { return job != sibling; });
  ASSERT_TRUE(script->exit_reasons.empty()) << "the sibling is still unwinding";
  ASSERT_TRUE(fs::exists(script->part_files.at(0)));
  EXPECT_EQ(state_name(journal->summary().state), "running");

  auto answer = ask<job_phase>(supervisor, cancel_atom_v);
  sched.run_jobs_filtered([sibling](caf::resumable* job) { return job != sibling; });
  EXPECT_FALSE(answer->value) << "answered once the sibling is down";
  sched.run();

  ASSERT_TRUE(answer->value) << caf::to_string(answer->error);
  EXPECT_EQ(*answer->value, "cancelled");
  EXPECT_EQ(last_event(*journal).data, "[CANCELLED]");
  EXPECT_TRUE(files_ending(temp_dir / "cache", ".incomplete").empty());
  EXPECT_TRUE(files_ending(temp_dir / "cache", ".validator").empty());
}

// -- the disk preflight -------------------------------------------------------

/// A snapshot of two 100-byte files, planned against a file system that
/// always has 1000 bytes free, through the node's ledger.
class PreflightSupervisorTest : public JobSupervisorTest {
protected:
  /// A job still running holds promises in `space`, which goes before the
  /// actor system: the job ends first.
  void TearDown() override {
    if (supervisor) {
      caf::anon_send(supervisor, cancel_atom_v);
      sched.run();
    }
  }

  void resolve(std::uint64_t margin, bool imported = false) {
    job_files files;
    for (const char* name : {"a.safetensors", "b.safetensors"}) {
      auto blob = temp_dir / "cache" / "blobs" / name;
      file_task task;
      if (imported)
        task.source_path = (temp_dir / "source" / name).string();
      task.name = name;
      task.url = "http://127.0.0.1:1/" + std::string{name};
      task.part_path = blob.string() + ".incomplete";
      task.final_path = blob.string();
      task.size = 100;
      files.tasks.push_back(std::move(task));
    }
    script->files = files;
    ledger = &space;
    min_free = margin;
    spawn_supervisor("hf:org/repo");
    start();
    ASSERT_EQ(script->vendors.size(), 1u); // the resolver
    finish(0);
  }

  void finish(std::size_t vendor) {
    caf::anon_send(script->vendors.at(vendor), finish_atom_v);
    sched.run();
  }

  /// Bytes the ledger holds on the test's file system.
  std::uint64_t promised() const {
    struct stat info {};
    EXPECT_EQ(::stat(temp_dir.c_str(), &info), 0);
    return space.promised(info.st_dev);
  }

  net::space_ledger space{[](const fs::path&, std::error_code&) { return std::uint64_t{1000}; }};
};

TEST_F(PreflightSupervisorTest, APlanThatDoesNotFitFailsBeforeAnyFileStarts) {
  resolve(801); // 200 bytes to fetch, 1000 free: 801 must stay free
  EXPECT_EQ(script->vendors.size(), 1u) << "no file started";
  auto end = last_event(*journal).data;
  EXPECT_EQ(end.rfind("[ERROR] insufficient_space: needs 200 B, 1.0 kB free on /", 0), 0u) << end;
  EXPECT_NE(end.find(", and 801 B must stay free (--min-free)"), std::string::npos) << end;
  EXPECT_EQ(state_name(journal->summary().state), "failed");
  ASSERT_EQ(parent_box->outcomes.size(), 1u);
  EXPECT_EQ(parent_box->outcomes[0].error_code, "insufficient_space");
  EXPECT_FALSE(fs::exists(temp_dir / "cache")) << "nothing written";
  EXPECT_EQ(promised(), 0u);
}

TEST_F(PreflightSupervisorTest, ImportsAreNotCountedForTheyMayTakeNoSpace) {
  resolve(801, true);
  EXPECT_EQ(script->vendors.size(), 3u);
  EXPECT_EQ(promised(), 0u);
}

TEST_F(PreflightSupervisorTest, APlanThatFitsHoldsItsSpaceUntilTheJobEnds) {
  resolve(800);
  ASSERT_EQ(script->vendors.size(), 3u); // the resolver, then both files
  EXPECT_EQ(promised(), 200u) << "scripted vendors allocate nothing";
  finish(1);
  EXPECT_EQ(promised(), 200u);
  finish(2);
  EXPECT_EQ(last_event(*journal).data, "[DONE]");
  EXPECT_EQ(promised(), 0u);
}

TEST_F(PreflightSupervisorTest, ACancelledJobGivesItsSpaceBack) {
  resolve(0);
  ASSERT_EQ(promised(), 200u);
  auto answer = ask<job_phase>(supervisor, cancel_atom_v);
  sched.run();
  ASSERT_TRUE(answer->value);
  EXPECT_EQ(promised(), 0u);
}

TEST_F(PreflightSupervisorTest, AFailedJobGivesItsSpaceBack) {
  resolve(0);
  ASSERT_EQ(promised(), 200u);
  script->fail_with = make_error(download_errc::connection_reset, "a.safetensors: reset");
  finish(1);
  EXPECT_EQ(state_name(journal->summary().state), "failed");
  EXPECT_EQ(promised(), 0u);
}

} // namespace hive::test
