#include "actors/jobs/job_supervisor_actor.hpp"

#include "actors/inspect/registry_actor.hpp"
#include "actors/jobs/disk_preflight.hpp"
#include "actors/jobs/narration_actor.hpp"
#include "actors/vendors/transfer_board.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "net/format/human_units.hpp"
#include "net/host/disk_space.hpp"
#include "net/host/file_system.hpp"
#include "net/host/part_file.hpp"
#include "net/host/wall_clock.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>

#include <algorithm>
#include <chrono>

namespace hive {

namespace {

using phase = job_supervisor_state::phase;

/// Shows the phase (or that a cancel is under way) as the supervisor's state
/// in the actor registry.
void show_state(const job_supervisor_state& st) {
  auto shown = actor_activity::done;
  if (st.cancelled && st.at != phase::done)
    shown = actor_activity::cancelling;
  else if (st.at == phase::queued)
    shown = actor_activity::queued;
  else if (st.at == phase::running)
    shown = actor_activity::running;
  else if (st.at == phase::finalizing)
    shown = actor_activity::finalizing;
  show_state(st.plan.stats, shown);
}

void enter(job_supervisor_actor_type* self, phase next) {
  self->state.at = next;
  show_state(self->state);
}

std::filesystem::path model_dir(const job_plan& plan) {
  return plan.settings.models_dir / plan.ref.model_id;
}

/// Removes the empty folders below `root`, deepest first, then `root` if empty.
void remove_empty_folders(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> folders;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it{root, ec}, end; !ec && it != end;
       it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec))
      folders.push_back(it->path());
  for (auto folder = folders.rbegin(); folder != folders.rend(); ++folder)
    std::filesystem::remove(*folder, ec); // only if empty
  std::filesystem::remove(root, ec);
}

/// Removes the files a cancelled or failed job fetched into the model's
/// folder, and the folders they leave empty (a local folder's subfolders,
/// the model's own). Files verified into a shared cache stay (as the tools
/// that share it keep them): another job may have linked them since.
void remove_fetched(job_supervisor_actor_type* self) {
  std::error_code ec;
  for (const auto& f : self->state.files)
    if (f.blob.empty())
      std::filesystem::remove(f.path, ec);
  remove_empty_folders(model_dir(self->state.plan));
}

/// The partial files this job may remove: those no other job's worker
/// still follows (a transfer the jobs share goes on without this one).
std::vector<std::string> own_partials(const job_supervisor_state& st) {
  std::vector<std::string> own;
  const auto& board = st.plan.settings.transfers;
  for (const auto& part : st.part_paths)
    if (!board || !board->in_use(part))
      own.push_back(part);
  return own;
}

/// Tells the parent and every cancel waiter, once the journal is final.
void publish(job_supervisor_actor_type* self, const job_outcome& outcome) {
  auto& st = self->state;
  for (auto& promise : st.cancel_waiters)
    promise.deliver(outcome.state);
  st.cancel_waiters.clear();
  self->send(st.parent, outcome);
  self->quit();
}

void finish(job_supervisor_actor_type* self, job_outcome outcome) {
  auto& st = self->state;
  enter(self, phase::done);
  // Before anyone hears that the job is over: a job started then finds the space free.
  st.space = {};
  // Via the tracker, so that its last progress report comes first; the
  // narration actor answers once the journal holds the final state, and only
  // then does anyone hear that the job is over.
  self->request(st.tracker, caf::infinite, outcome)
      .then([self, outcome](job_phase) { publish(self, outcome); },
            [self, outcome](const caf::error&) { publish(self, outcome); });
}

void finish_cancelled(job_supervisor_actor_type* self) {
  // A vendor that failed just before the cancel kept its partial for a resume
  // that will not come now.
  for (const auto& part : own_partials(self->state))
    net::remove_partial(part);
  remove_fetched(self);
  self->state.voice.warn("cancelled", "download cancelled; partial files removed");
  finish(self, job_outcome{self->state.plan.job_id, job_phase::cancelled, "", ""});
}

void finalize(job_supervisor_actor_type* self) {
  auto& st = self->state;
  enter(self, phase::finalizing);
  // Still `running` to the API: finalizing is a step, not one of its states.
  st.voice.say("finalize", "all files verified; recording the model in the catalog");
  model_record record;
  record.id = st.plan.ref.model_id;
  record.name = st.plan.ref.display_name();
  record.vendor = st.plan.ref.vendor;
  record.source = st.plan.source;
  record.files = st.present;
  record.files.insert(record.files.end(), st.files.begin(), st.files.end());
  for (const auto& f : st.files)
    record.total_size += f.size;
  record.added_at_ms = wall_clock_ms();
  self->request(st.plan.catalog, std::chrono::seconds{30}, caf::put_atom_v, record)
      .then(
          [self](const std::string& id) {
            auto& st = self->state;
            if (st.cancelled) { // a cancel arrived while we were writing the entry
              // Wait for the delete: the job is not cancelled while its entry exists.
              self->request(st.plan.catalog, std::chrono::seconds{30}, caf::delete_atom_v, id)
                  .then([self](const std::string&) { finish_cancelled(self); },
                        [self](caf::error& err) {
                          self->state.voice.error("uncatalog_failed",
                                                  "could not remove the catalog entry: "
                                                      + describe(err).message);
                          finish_cancelled(self);
                        });
              return;
            }
            st.voice.say("cataloged", "model " + id + " is ready");
            finish(self, job_outcome{st.plan.job_id, job_phase::completed, "", ""});
          },
          [self](caf::error& err) {
            auto view = describe(err);
            if (self->state.cancelled)
              return finish_cancelled(self);
            remove_fetched(self);
            finish(self, job_outcome{self->state.plan.job_id, job_phase::failed, view.code,
                                     view.message});
          });
}

/// Writes the files that make a fetched model usable (a registry's manifest),
/// now that every file it names is verified.
caf::error write_last(job_supervisor_actor_type* self) {
  auto& st = self->state;
  for (const auto& w : st.written_last) {
    if (auto ec = net::write_atomically(w.path, w.content))
      return make_error(download_errc::io_failed, "cannot write " + w.path + ": " + ec.message());
    st.files.push_back(file_fetched{w.name, w.path, w.content.size(), "", ""});
  }
  return {};
}

/// All vendors are down: decide how the job ends.
void conclude(job_supervisor_actor_type* self) {
  auto& st = self->state;
  if (st.cancelled)
    return finish_cancelled(self);
  if (!st.failure)
    st.failure = write_last(self);
  if (st.failure) {
    auto view = describe(st.failure);
    // Resumable parts stay for the next attempt; empty ones and those without
    // a validator would only stand in its way (and keep their folders).
    for (const auto& part : own_partials(st))
      net::remove_if_unresumable(part);
    remove_fetched(self);
    st.voice.error("failed", view.code + ": " + view.message);
    return finish(self, job_outcome{st.plan.job_id, job_phase::failed, view.code, view.message});
  }
  finalize(self);
}

caf::actor spawn_tracked(job_supervisor_actor_type* self, vendor_context ctx) {
  auto& st = self->state;
  ctx.stats = std::make_shared<actor_stats>();
  auto vendor = st.plan.make_vendors(self, ctx);
  st.vendors.insert(vendor.address());
  announce(st.plan.registry, vendor,
           actor_info{ctx.ref.vendor + "_vendor", st.plan.job_id, self->id(), ctx.stats});
  return vendor;
}

/// Hands pending files out to new vendors, up to the job's parallelism.
void pump(job_supervisor_actor_type* self) {
  auto& st = self->state;
  auto parallel = std::max<std::size_t>(1, st.plan.settings.parallel_files);
  while (!st.pending.empty() && st.vendors.size() < parallel) {
    auto ctx = st.context;
    ctx.task = std::move(st.pending.front());
    st.pending.pop_front();
    spawn_tracked(self, std::move(ctx));
  }
}

void accept_files(job_supervisor_actor_type* self, job_files& plan) {
  auto& st = self->state;
  if (st.at != phase::running || st.cancelled || st.failure)
    return;
  std::uint64_t total = 0;
  for (const auto& task : plan.tasks) {
    total += task.size;
    // The job's total is known from the start, not only for files under way.
    self->send(st.tracker, progress_update{task.name, 0, task.size, 0});
  }
  std::uint64_t cached = 0;
  for (const auto& f : plan.present)
    cached += f.size;
  std::string human;
  if (plan.tasks.empty())
    human = "already in the cache: " + std::to_string(plan.present.size()) + " file(s), "
            + format_bytes(cached) + "; nothing to download";
  else
    human = std::to_string(plan.tasks.size()) + " file(s) to fetch (" + format_bytes(total) + ")"
            + (plan.present.empty() ? std::string{}
                                    : ", " + std::to_string(plan.present.size())
                                          + " already in the cache (" + format_bytes(cached) + ")");
  st.voice.say("plan", human);
  auto space = reserve_space(st.plan.settings, st.plan.job_id, plan.tasks);
  if (!space) { // fails at once, with nothing written: the resolver's exit concludes
    st.failure = std::move(space.error());
    return;
  }
  st.space = std::move(*space);
  st.present = std::move(plan.present);
  st.written_last = std::move(plan.written_last);
  st.pending.assign(std::make_move_iterator(plan.tasks.begin()),
                    std::make_move_iterator(plan.tasks.end()));
  pump(self);
}

net::rate_limits rate_limits_of(const job_plan& plan) {
  return {plan.max_rate, plan.settings.max_rate};
}

void start(job_supervisor_actor_type* self) {
  auto& st = self->state;
  if (st.at != phase::queued || st.cancelled)
    return;
  enter(self, phase::running);
  self->send(st.voice.narration, job_state{job_phase::running});
  self->send(st.tracker, start_atom_v);
  st.voice.say("start", "starting download");
  st.context = vendor_context{.job_id = st.plan.job_id,
                              .ref = st.plan.ref,
                              .expected_sha256 = st.plan.expected_sha256,
                              .include = st.plan.include,
                              .exclude = st.plan.exclude,
                              .task = std::nullopt,
                              .bearer_token = st.plan.token, // for_api adds the node's
                              .token_origin = {},
                              .explain_refusal = {}, // for the sources that need one
                              .max_size = 0,
                              .rate_limits = rate_limits_of(st.plan),
                              .link_file = {},       // likewise
                              .dest_dir = model_dir(st.plan),
                              .supervisor = caf::actor_cast<caf::actor>(self),
                              .tracker = st.tracker,
                              .voice = {st.voice.narration, {}, {}}, // each vendor speaks as itself
                              .settings = st.plan.settings,
                              .stats = {}}; // each vendor gets its own
  spawn_tracked(self, st.context);
}

} // namespace

caf::behavior job_supervisor_actor(job_supervisor_actor_type* self, caf::actor parent,
                                   job_plan plan) {
  auto& st = self->state;
  st.parent = std::move(parent);
  st.plan = std::move(plan);
  auto child = [&](const char* kind) { return actor_info{kind, st.plan.job_id, self->id(), {}}; };
  auto narration = spawn_announced<caf::linked>(*self, st.plan.registry, child("narration"),
                                                narration_actor, st.plan.job_id, st.plan.journal);
  st.voice = {narration, "job_supervisor", {}};
  st.tracker = spawn_announced<caf::linked>(
      *self, st.plan.registry, child("tracker"), tracker_actor, narration,
      tracker_settings{st.plan.settings.progress_interval, st.plan.settings.heartbeat_interval,
                       rate_limits_of(st.plan)});
  show_state(st);
  // The job's first note names the reference; the others do not repeat it,
  // which would cost its size (up to 4 KiB) in every event.
  narrator{narration, st.voice.speaker, st.plan.source}.say(
      "queued", "queued " + st.plan.source + " (waiting for a download slot)");
  self->set_exit_handler([self](caf::exit_msg& msg) {
    // Vendors report in down messages; only our parent's exit ends us.
    if (msg.source == self->state.parent.address())
      self->quit(msg.reason);
  });
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    if (st.vendors.erase(msg.source) == 0)
      return;
    bool expected = !msg.reason || msg.reason == make_error(download_errc::cancelled);
    if (!expected && !st.failure && !st.cancelled) {
      st.failure = msg.reason;
      st.pending.clear();
      for (const auto& v : st.vendors) // stop the siblings: the job has failed
        self->send_exit(v, make_error(download_errc::cancelled));
    }
    if (!st.failure && !st.cancelled)
      pump(self);
    if (st.vendors.empty())
      conclude(self);
  });
  return {
      [self](start_atom) { start(self); },
      [self](file_fetched& f) { self->state.files.push_back(std::move(f)); },
      [self](job_files& plan) { accept_files(self, plan); },
      [self](const file_task& task) { self->state.part_paths.insert(task.part_path); },
      [self](max_rate_atom, std::uint64_t rate) { // the router has set it already
        self->state.voice.say("max_rate", rate ? "rate cap of this job set to "
                                                     + format_bytes(rate) + "/s"
                                               : "rate cap of this job removed");
      },
      [self](cancel_atom) -> caf::response_promise {
        auto& st = self->state;
        auto promise = self->make_response_promise();
        st.cancel_waiters.push_back(promise);
        if (st.cancelled || st.at == phase::done) // answered once the journal is final
          return promise;
        st.cancelled = true;
        show_state(st);
        st.voice.warn("cancel", "cancellation requested");
        if (st.at == phase::queued)
          finish_cancelled(self);
        else if (st.at == phase::running) {
          st.pending.clear();
          for (const auto& v : st.vendors)
            self->send_exit(v, make_error(download_errc::cancelled));
        }
        // finalizing: the catalog reply handler sees `cancelled`.
        return promise;
      },
  };
}

} // namespace hive
