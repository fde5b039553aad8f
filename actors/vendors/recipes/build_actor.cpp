#include "actors/vendors/recipes/build_actor.hpp"

#include "actors/vendors/recipes/build_output.hpp"
#include "actors/vendors/local/local_files.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

namespace hive {

namespace {

namespace fs = std::filesystem;

/// How long a cancelled build may take beyond its kill grace before we stop waiting.
constexpr auto unwind_margin = std::chrono::seconds{2};

/// The file name of the job's progress entry for the build itself.
constexpr const char* build_entry = "build";

std::vector<fs::path> output_paths(const build_recipe& recipe) {
  std::vector<fs::path> out;
  for (const auto& output : recipe.outputs)
    out.push_back(recipe.workdir / output);
  return out;
}

std::uint64_t bytes_of(const std::vector<fs::path>& paths) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (const auto& path : paths)
    if (auto size = fs::file_size(path, ec); !ec)
      total += size;
  return total;
}

/// Removes the outputs: stale ones before a build (so that only what it makes
/// is imported), partial ones after a cancel or a failure.
std::error_code remove_outputs(const build_recipe& recipe) {
  std::error_code first;
  for (const auto& path : output_paths(recipe)) {
    std::error_code ec;
    fs::remove(path, ec);
    if (ec && !first)
      first = ec;
  }
  return first;
}

std::string command_line(const build_recipe& recipe) {
  std::string text;
  for (const auto& arg : recipe.command)
    text += (text.empty() ? "" : " ") + arg;
  return text;
}

/// Runs on the build's thread: narration and progress go straight to their actors.
net::process_observer observe(const vendor_context& ctx, const build_recipe& recipe,
                              std::shared_ptr<build_output> output) {
  net::process_observer obs;
  obs.on_line = [voice = ctx.voice, tracker = ctx.tracker, output](std::string_view text) {
    std::string line{text};
    auto verdict = output->take(line, build_output::clock::now());
    if (verdict.held_back > 0)
      voice.say("output_held_back",
                "(" + std::to_string(verdict.held_back) + " lines of output not shown)");
    if (verdict.narrate)
      voice.say("output", std::move(line));
    if (verdict.percent)
      caf::anon_send(tracker, progress_update{build_entry, *verdict.percent, 100, 0});
  };
  obs.on_tick = [tracker = ctx.tracker, paths = output_paths(recipe), output,
                 last = std::uint64_t{0}]() mutable {
    if (output->shows_progress())
      return;
    if (auto bytes = bytes_of(paths); bytes != last) {
      last = bytes;
      caf::anon_send(tracker, progress_update{build_entry, bytes, 0, 0});
    }
  };
  return obs;
}

/// Runs on the build's thread, last: the outcome as the actor's message.
std::function<void(net::process_outcome)> report(build_actor_type* self,
                                                 std::shared_ptr<build_output> output) {
  auto& st = self->state;
  return [me = caf::actor_cast<caf::actor>(self), voice = st.ctx.voice, tracker = st.ctx.tracker,
          name = st.ctx.ref.location, paths = output_paths(st.recipe),
          output](net::process_outcome out) {
    if (auto held_back = output->take_held_back())
      voice.say("output_held_back",
                "(" + std::to_string(held_back) + " lines of output not shown)");
    transfer_result r;
    r.cancelled = out.cancelled;
    r.code = static_cast<std::uint8_t>(download_errc::build_failed);
    if (!out.started) {
      r.message = "recipe '" + name + "' did not start: " + out.start_error;
    } else if (!out.cancelled && out.exit_code == 0) {
      r.ok = true;
      auto bytes = bytes_of(paths);
      caf::anon_send(tracker, output->shows_progress()
                                  ? progress_update{build_entry, 100, 100, 0}
                                  : progress_update{build_entry, bytes, bytes, 0});
    } else if (!out.cancelled) {
      r.message = "recipe '" + name + "' failed: "
                  + (out.exit_code >= 0 ? "exit code " + std::to_string(out.exit_code)
                                        : "killed by signal " + std::to_string(out.signal));
      if (auto tail = output->tail(); !tail.empty())
        r.message += "; last output: " + tail;
    }
    caf::anon_send(me, std::move(r));
  };
}

void quit_cancelled(build_actor_type* self) {
  remove_outputs(self->state.recipe);
  self->quit(make_error(download_errc::cancelled));
}

/// The outputs of a successful build, as import tasks.
caf::expected<std::vector<file_task>> output_tasks(const vendor_context& ctx,
                                                   const build_recipe& recipe) {
  std::vector<file_task> tasks;
  for (const auto& output : recipe.outputs) {
    auto path = recipe.workdir / output;
    auto task = import_task(path, path.filename().string(), ctx.dest_dir);
    if (!task && task.error() == make_error(download_errc::entry_not_found))
      return make_error(download_errc::build_failed, "recipe '" + ctx.ref.location
                                                         + "' succeeded but did not make "
                                                         + path.string());
    if (!task)
      return std::move(task.error());
    tasks.push_back(std::move(*task));
  }
  if (auto err = expect_sha256(tasks, ctx.expected_sha256, "recipe '" + ctx.ref.location + "'"))
    return err;
  return tasks;
}

void on_result(build_actor_type* self, transfer_result& r) {
  auto& st = self->state;
  st.process.reset(); // its thread has reported: this only joins it
  if (st.cancelling || r.cancelled)
    return quit_cancelled(self);
  if (!r.ok) {
    remove_outputs(st.recipe);
    st.ctx.voice.error("build_failed", r.message);
    return self->quit(make_error(download_errc::build_failed, r.message));
  }
  auto tasks = output_tasks(st.ctx, st.recipe);
  if (!tasks) {
    remove_outputs(st.recipe);
    return self->quit(std::move(tasks.error()));
  }
  st.ctx.voice.say("build_done", "recipe '" + st.ctx.ref.location + "' succeeded; importing "
                                     + std::to_string(tasks->size()) + " output(s)");
  self->send(st.ctx.supervisor, job_files{std::move(*tasks), {}, {}});
  self->quit();
}

} // namespace

caf::behavior build_actor(build_actor_type* self, vendor_context ctx) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.ctx.voice = {st.ctx.voice.narration, build_state::name, st.ctx.ref.location};
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& st = self->state;
    if (st.process && is_cancellation(msg.reason)) { // wait until the group is gone
      st.cancelling = true;
      st.process->cancel();
      self->delayed_send(self,
                         st.ctx.settings.vendors.of<build_settings>().kill_grace + unwind_margin,
                         caf::timeout_atom_v);
      return;
    }
    if (st.process) { // shutting down: stop the build before we go
      st.process.reset();
      remove_outputs(st.recipe);
    }
    self->quit(msg.reason);
  });
  const auto& recipes = st.ctx.settings.vendors.of<build_settings>().recipes;
  auto recipe = recipes.find(st.ctx.ref.location);
  if (recipe == recipes.end()) {
    self->quit(make_error(download_errc::entry_not_found,
                          "no build recipe '" + st.ctx.ref.location + "' on this node"));
    return {};
  }
  st.recipe = recipe->second;
  if (auto ec = remove_outputs(st.recipe)) {
    self->quit(make_error(download_errc::io_failed, "cannot remove the old outputs of recipe '"
                                                        + st.ctx.ref.location
                                                        + "': " + ec.message()));
    return {};
  }
  st.ctx.voice.say("build_start", "running recipe '" + st.ctx.ref.location + "' in "
                                      + st.recipe.workdir.string() + ": "
                                      + command_line(st.recipe));
  auto output = std::make_shared<build_output>(st.recipe.progress);
  net::process_request req{st.recipe.command, st.recipe.workdir, build_environment(st.recipe),
                           st.ctx.settings.vendors.of<build_settings>().kill_grace};
  st.process = std::make_unique<net::child_process>(
      std::move(req), observe(st.ctx, st.recipe, output), report(self, output));
  return {
      [self](transfer_result& r) { on_result(self, r); },
      [self](caf::timeout_atom) { quit_cancelled(self); },
  };
}

} // namespace hive
