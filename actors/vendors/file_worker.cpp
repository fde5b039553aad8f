#include "actors/vendors/file_worker.hpp"

#include "actors/vendors/partial_allocation.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "net/host/file_system.hpp"
#include "net/host/part_file.hpp"
#include "net/host/sha256.hpp"

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

namespace hive {

namespace {

/// How long a cancelled worker may take to unwind before we stop waiting.
constexpr auto unwind_limit = std::chrono::seconds{2};

void quit_cancelled(caf::event_based_actor* self, const file_worker& st) {
  net::remove_partial(st.task.part_path);
  self->quit(make_error(download_errc::cancelled));
}

/// Creates the partial file's folder and, for a worker that resumes, claims
/// the partial against other jobs writing the same file.
caf::error prepare(file_worker& st) {
  if (auto failed = net::create_folder_of(st.task.part_path))
    return net::to_error(std::move(*failed));
  if (!st.resumes())
    return {};
  std::error_code ec;
  st.claim = net::part_claim::acquire(st.task.part_path, ec);
  if (ec == std::errc::resource_unavailable_try_again)
    return make_error(download_errc::file_busy, "another job is fetching " + st.task.name + " into "
                                                    + st.task.part_path
                                                    + " right now; try again once it is done");
  if (ec)
    return make_error(download_errc::io_failed,
                      "cannot open " + st.task.part_path + ": " + ec.message());
  return allocate_partial(st);
}

void on_exit(caf::event_based_actor* self, file_worker& st, caf::exit_msg& msg) {
  bool cancel = is_cancellation(msg.reason);
  if (!st.cancel) {
    if (cancel || !st.resumes())
      net::remove_partial(st.task.part_path);
    return self->quit(msg.reason);
  }
  // On shutdown the work stops and a resumable partial stays. On a cancel
  // the partial goes once the work has closed it (in on_result): the job is
  // not reported cancelled before.
  st.cancel();
  if (!cancel)
    return self->quit(msg.reason);
  st.cancelling = true;
  show_state(st.ctx.stats, actor_activity::cancelling);
  self->delayed_send(self, unwind_limit, caf::timeout_atom_v);
}

/// What is wrong with a finished file: its size or a digest; the git blob
/// id is computed from the file, which such files keep small.
std::optional<caf::error> check(const file_task& task, const transfer_result& r) {
  auto mismatch = [&](const std::string& what) {
    return make_error(download_errc::checksum_mismatch, task.name + ": " + what);
  };
  if (task.size != 0 && r.bytes != task.size)
    return make_error(download_errc::size_mismatch, task.name + ": expected "
                                                        + std::to_string(task.size) + " bytes, got "
                                                        + std::to_string(r.bytes));
  if (!task.sha256.empty() && task.sha256 != r.sha256)
    return mismatch("expected sha256 " + task.sha256 + ", got " + r.sha256);
  if (task.git_sha1.empty())
    return std::nullopt;
  std::error_code ec;
  auto sha1 = net::git_blob_sha1(task.part_path, ec);
  if (ec)
    return make_error(download_errc::io_failed,
                      "cannot read " + task.part_path + ": " + ec.message());
  if (sha1 != task.git_sha1)
    return mismatch("expected git blob " + task.git_sha1 + ", got " + sha1);
  return std::nullopt;
}

/// The finish step: checks the file, moves it into place and links the
/// names the task gives it; the files to report to the supervisor.
caf::expected<std::vector<file_fetched>> finish(const file_worker& st, const transfer_result& r) {
  const auto& task = st.task;
  if (auto mismatch = check(task, r)) {
    net::remove_partial(task.part_path);
    return std::move(*mismatch);
  }
  if (auto ec = net::rename_durably(task.part_path, task.final_path)) {
    if (!st.resumes())
      net::remove_partial(task.part_path);
    return make_error(download_errc::io_failed,
                      "cannot move " + task.part_path + " into place: " + ec.message());
  }
  std::vector<file_fetched> fetched{
      {task.name, task.final_path, r.bytes, r.sha256, task.shared ? task.final_path : ""}};
  if (task.link_path.empty())
    return fetched;
  if (!st.ctx.link_file) // a vendor that plans links but gives no way to make them
    return make_error(download_errc::internal, "no way to link " + task.link_path);
  fetched.front() = {task.name, task.link_path, r.bytes, r.sha256, task.final_path};
  for (const auto& alias : task.aliases)
    fetched.push_back({alias.name, alias.link_path, r.bytes, r.sha256, task.final_path});
  for (const auto& f : fetched)
    if (auto ec = st.ctx.link_file(f.path, f.blob))
      return make_error(download_errc::io_failed, "cannot link " + f.path + ": " + ec.message());
  return fetched;
}

void on_result(caf::event_based_actor* self, file_worker& st, transfer_result& r) {
  st.cancel = nullptr;
  if (st.cancelling || r.cancelled)
    return quit_cancelled(self, st);
  if (!r.ok)
    return self->quit(st.failed(r));
  auto fetched = finish(st, r);
  if (!fetched)
    return self->quit(std::move(fetched.error()));
  st.landed(r);
  for (auto& f : *fetched)
    self->send(st.ctx.supervisor, std::move(f));
  self->quit();
}

} // namespace

caf::error file_worker::failed(const transfer_result& r) const {
  return make_error(static_cast<download_errc>(r.code), r.message);
}

caf::behavior run_file_worker(caf::event_based_actor* self, file_worker& st, vendor_context ctx) {
  st.ctx = std::move(ctx);
  st.task = st.ctx.task.value_or(file_task{});
  st.ctx.voice = {st.ctx.voice.narration, self->name(), st.task.name};
  self->set_exit_handler([self, &st](caf::exit_msg& msg) { on_exit(self, st, msg); });
  if (auto err = prepare(st)) {
    self->quit(std::move(err));
    return {};
  }
  // The partial is ours: the supervisor removes it if a cancel comes after a failure.
  self->send(st.ctx.supervisor, st.task);
  auto cancel = st.start(caf::actor_cast<caf::actor>(self));
  if (!cancel) {
    self->quit(std::move(cancel.error()));
    return {};
  }
  st.cancel = std::move(*cancel);
  return {
      [self, &st](transfer_result& r) { on_result(self, st, r); },
      // The work did not unwind in time: give up waiting for it.
      [self, &st](caf::timeout_atom) { quit_cancelled(self, st); },
  };
}

} // namespace hive
