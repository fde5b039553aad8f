#include "tests/support/actor_fixture.hpp"

#include "actors/inspect/counted_behavior.hpp"
#include "actors/vendors/http_file_actor.hpp"
#include "messages/errc.hpp"

#include <caf/atom.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/spawn_options.hpp>

#include <simdjson.h>

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
    auto vendor = supervisor->spawn<caf::linked + caf::monitored>(
        observed(scripted_vendor, ctx.stats), ctx, script);
    script->vendors.push_back(vendor);
    script->job_ids.push_back(ctx.job_id);
    script->rate_limits.push_back(ctx.rate_limits);
    return vendor;
  };
}

std::vector<listed_actor> parse_actor_list(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::array items;
  EXPECT_EQ(parser.parse(json)["actors"].get(items), simdjson::SUCCESS) << json;
  std::vector<listed_actor> out;
  for (auto item : items) {
    listed_actor a;
    auto text = [&](const char* key) {
      std::string_view value;
      EXPECT_EQ(item[key].get(value), simdjson::SUCCESS) << key << " in " << json;
      return std::string{value};
    };
    auto figure = [&](const char* key) -> std::optional<std::uint64_t> {
      std::uint64_t value = 0;
      if (item[key].get(value) == simdjson::SUCCESS)
        return value;
      EXPECT_TRUE(item[key].is_null()) << key << " in " << json;
      return std::nullopt;
    };
    a.id = figure("id").value_or(0);
    a.name = text("name");
    a.kind = text("kind");
    a.job_id = text("job_id");
    a.parent = figure("parent").value_or(0);
    a.state = text("state");
    EXPECT_EQ(item["uptime_ms"].get(a.uptime_ms), simdjson::SUCCESS) << json;
    EXPECT_EQ(item["started_ms"].get(a.started_ms), simdjson::SUCCESS) << json;
    a.messages = figure("messages");
    a.mailbox = figure("mailbox");
    a.bytes_per_sec = figure("bytes_per_sec");
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<listed_actor> of_kind(const std::vector<listed_actor>& actors, std::string_view kind) {
  std::vector<listed_actor> out;
  for (const auto& a : actors)
    if (a.kind == kind)
      out.push_back(a);
  return out;
}

std::vector<listed_actor> actor_fixture::list_actors(const caf::actor& registry) {
  auto answer = ask<std::vector<actor_row>>(registry, list_atom_v);
  sched.run();
  EXPECT_TRUE(answer->value) << caf::to_string(answer->error);
  return parse_actor_list(answer->value.value_or(R"({"actors":[]})"));
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
