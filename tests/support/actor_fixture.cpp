#include "tests/support/actor_fixture.hpp"

#include "actors/url_vendor_actor.hpp"
#include "messages/errc.hpp"

#include <caf/atom.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/spawn_options.hpp>

#include <fstream>
#include <random>

namespace hive::test {

namespace fs = std::filesystem;

namespace {

caf::behavior probe_actor(caf::event_based_actor*, std::shared_ptr<inbox> box) {
  return {
      [box](narration_note& x) { box->notes.push_back(std::move(x)); },
      [box](progress_report& x) { box->reports.push_back(std::move(x)); },
      [box](job_state& x) { box->states.push_back(std::move(x)); },
      [box](job_outcome& x) { box->outcomes.push_back(std::move(x)); },
  };
}

caf::behavior scripted_vendor(caf::event_based_actor* self, vendor_context ctx,
                              std::shared_ptr<vendor_script> script) {
  if (!ctx.task && script->files)
    return {
        [self, ctx, script](finish_atom) {
          self->send(ctx.supervisor, *script->files);
          self->quit();
        },
    };
  auto task = ctx.task ? *ctx.task : direct_task(ctx);
  fs::path part = task.part_path;
  fs::create_directories(part.parent_path());
  std::ofstream{part} << "partial bytes";
  script->part_files.push_back(part);
  self->send(ctx.supervisor, task); // as the URL vendor announces its claim
  self->set_exit_handler([self, part, script](caf::exit_msg& msg) {
    script->exit_reasons.push_back(msg.reason);
    if (msg.reason == make_error(download_errc::cancelled)) {
      std::error_code ec;
      fs::remove(part, ec);
    }
    self->quit(msg.reason);
  });
  return {
      [self, ctx, task, part, script](finish_atom) {
        if (script->fail_with) {
          self->quit(script->fail_with);
          return;
        }
        fs::rename(part, task.final_path);
        self->send(ctx.supervisor, file_fetched{task.name, task.final_path,
                                                fs::file_size(task.final_path), "", ""});
        self->quit();
      },
  };
}

} // namespace

vendor_factory scripted_vendors(std::shared_ptr<vendor_script> script) {
  return [script](caf::event_based_actor* supervisor, const vendor_context& ctx) {
    auto vendor = supervisor->spawn<caf::linked + caf::monitored>(scripted_vendor, ctx, script);
    script->vendors.push_back(vendor);
    script->job_ids.push_back(ctx.job_id);
    return vendor;
  };
}

actor_fixture::config::config() {
  add_message_types<caf::id_block::hive>();
  set("scheduler.policy", caf::atom("testing"));
  set("logger.console", caf::atom("none"));
}

actor_fixture::actor_fixture()
  : sys(cfg), sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())) {
  std::random_device rd;
  temp_dir = fs::temp_directory_path() / ("hive-actor-test-" + std::to_string(rd()));
  fs::create_directories(temp_dir);
}

actor_fixture::~actor_fixture() {
  // Links carry the kill to every child (supervisors, vendors, trackers).
  for (const auto& root : roots_)
    caf::anon_send_exit(root, caf::exit_reason::kill);
  roots_.clear();
  sched.run();
  std::error_code ec;
  fs::remove_all(temp_dir, ec);
}

std::pair<caf::actor, std::shared_ptr<inbox>> actor_fixture::spawn_probe() {
  auto box = std::make_shared<inbox>();
  return {spawn(probe_actor, box), box};
}

std::vector<fs::path> actor_fixture::files_ending(const fs::path& dir, const std::string& suffix) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (fs::recursive_directory_iterator i{dir, ec}, end; !ec && i != end; i.increment(ec))
    if (i->path().string().ends_with(suffix))
      found.push_back(i->path());
  return found;
}

journal_event actor_fixture::last_event(const job_journal& journal) {
  auto events = journal.read_after(0).events;
  return events.empty() ? journal_event{} : events.back();
}

} // namespace hive::test
