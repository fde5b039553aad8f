#include "actors/vendors/file_worker.hpp"

#include "actors/vendors/partial_allocation.hpp"
#include "actors/vendors/transfer_board.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "net/format/human_units.hpp"
#include "net/host/file_system.hpp"
#include "net/host/part_file.hpp"
#include "net/host/sha256.hpp"

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

namespace hive {

namespace {

/// How long a cancelled worker may take to unwind before we stop waiting.
constexpr auto unwind_limit = std::chrono::seconds{2};

/// The longest a worker waits for the cluster's mirrors. The cluster actor
/// answers within its own `mirror_timeout`; this only guards against a
/// cluster actor that never answers.
constexpr auto mirrors_limit = std::chrono::seconds{30};

void quit_cancelled(caf::event_based_actor* self, const file_worker& st) {
  net::remove_partial(st.task.part_path);
  self->quit(make_error(download_errc::cancelled));
}

/// Whether the worker that opens a transfer asks the cluster which hives to
/// take its file from before it starts the work: a download named by its
/// sha256, in a hive that fetches from others.
bool asks_for_mirrors(const file_worker& st) {
  const auto& task = st.task;
  return st.ctx.settings.cluster && !task.sha256.empty() && task.source_path.empty()
         && st.resumes();
}

/// A transfer of the partial file of its own: for a worker that resumes,
/// with its claim against other writers (another daemon, or a job whose
/// transfer this one cannot share).
caf::expected<std::shared_ptr<shared_transfer>> open_transfer(const file_worker& st) {
  net::part_claim claim;
  if (st.resumes()) {
    std::error_code ec;
    claim = net::part_claim::acquire(st.task.part_path, ec);
    if (ec == std::errc::resource_unavailable_try_again)
      return make_error(download_errc::file_busy, "another job is fetching " + st.task.name
                                                      + " into " + st.task.part_path
                                                      + " right now; try again once it is done");
    if (ec)
      return make_error(download_errc::io_failed,
                        "cannot open " + st.task.part_path + ": " + ec.message());
    // The space the job's preflight promised is taken by the one transfer that writes the file.
    if (auto err = allocate_partial(st, claim))
      return err;
  }
  // Registered before the cluster is asked, so that hives asking at the same
  // moment see it (as deciding: blob_mirrors.hpp breaks the tie).
  return std::make_shared<shared_transfer>(st.task, std::move(claim), asks_for_mirrors(st));
}

/// Creates the partial file's folder and puts the worker on its transfer:
/// one under way that it joins (how far it was then), or one of its own
/// that it starts (none). Only workers that resume share: an import writes
/// a partial nobody else could continue.
caf::expected<std::optional<shared_transfer::progress>> prepare(file_worker& st,
                                                                const caf::actor& me) {
  if (auto failed = net::create_folder_of(st.task.part_path))
    return net::to_error(std::move(*failed));
  auto observer = st.observer();
  if (auto* board = st.ctx.settings.transfers.get(); board && st.resumes()) {
    auto seat = board->join_or_open(me, st.task, observer, [&st] { return open_transfer(st); });
    if (!seat)
      return std::move(seat.error());
    st.transfer = std::move(seat->transfer);
    if (seat->joined) // another job's transfer allocated the file
      give_back_promise(st);
    return std::move(seat->joined);
  }
  auto own = open_transfer(st);
  if (!own)
    return std::move(own.error());
  st.transfer = std::move(*own);
  st.transfer->attach(me, st.task, observer);
  return std::nullopt;
}

/// Tells the job that it joined another job's transfer, and how far that is.
void tell_joined(const file_worker& st, const shared_transfer::progress& at) {
  std::string how_far = "connecting";
  if (at.responded)
    how_far = at.total ? format_bytes(at.bytes) + " of " + format_bytes(at.total)
                       : format_bytes(at.bytes) + " so far";
  // As its own transfer would show: its observer moves it on when the source answers.
  show_state(st.ctx.stats,
             at.responded ? actor_activity::transferring : actor_activity::connecting);
  st.ctx.voice.say("transfer_join", "joined the transfer of " + st.task.name
                                        + " already under way (" + how_far + ")");
}

/// Starts the work of the worker's transfer with the task's mirrors. Jobs
/// may have joined while it asked the cluster: a failed start is theirs too,
/// so every attached worker (this one included) ends on it.
void start_work(file_worker& st) {
  st.asking = false;
  st.transfer->settle(st.task.mirrors.empty());
  auto cancel = st.start(*st.transfer);
  if (!cancel) {
    transfer_result failed;
    failed.code = static_cast<std::uint8_t>(download_code_of(cancel.error()));
    failed.message = describe(cancel.error()).message;
    return st.transfer->deliver(std::move(failed));
  }
  st.transfer->run(std::move(*cancel));
}

void on_exit(caf::event_based_actor* self, file_worker& st, caf::exit_msg& msg) {
  if (!st.transfer) // it never got one
    return self->quit(msg.reason);
  if (st.asking) {
    // Still asking the cluster: jobs that joined meanwhile get the work, from the origin.
    if (st.transfer->leave_undecided(st.me)) {
      st.task.mirrors.clear();
      start_work(st);
    }
    return self->quit(msg.reason);
  }
  // Another job's worker may still need the transfer: then this one only
  // detaches. The last one stops it; on a cancel the partial goes once the
  // work has closed it (in on_result): the job is not reported cancelled
  // before. On shutdown the work stops and a resumable partial stays.
  if (!st.transfer->leave(st.me, is_cancellation(msg.reason)))
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

/// Checks the finished file and moves it into place (once per transfer).
caf::error land(const file_worker& st, const transfer_result& r) {
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
  return {};
}

/// Links the names the job's task gives the landed file; the files to report
/// to the supervisor.
caf::expected<std::vector<file_fetched>> name_files(const file_worker& st,
                                                    const transfer_result& r) {
  const auto& task = st.task;
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
  if (st.cancelling || r.cancelled)
    return quit_cancelled(self, st);
  if (!r.ok)
    return self->quit(st.failed(r));
  if (auto err = st.transfer->land_once([&] { return land(st, r); }))
    return self->quit(std::move(err));
  auto fetched = name_files(st, r);
  if (!fetched)
    return self->quit(std::move(fetched.error()));
  st.landed(r);
  for (auto& f : *fetched)
    self->send(st.ctx.supervisor, std::move(f));
  self->quit();
}

/// Asks the cluster which hives to take the worker's file from, then starts
/// the work of the transfer it opened with them. The transfer is registered
/// already (as deciding), so a job for the same file that comes meanwhile
/// joins it, and hives asking at the same moment see it.
void ask_for_mirrors(caf::event_based_actor* self, file_worker& st) {
  st.asking = true;
  self->request(st.ctx.settings.cluster, mirrors_limit, mirrors_atom_v, st.task.sha256)
      .then(
          [&st](std::vector<blob_source>& mirrors) {
            std::string names;
            for (const auto& m : mirrors)
              names += (names.empty() ? "" : ", ") + m.name;
            st.ctx.voice.say("mirrors", mirrors.empty()
                                            ? "no other hive has " + st.task.name
                                                  + ": fetching it from the origin"
                                            : "found " + st.task.name + " on " + names
                                                  + ": fetching it from there, from the origin "
                                                    "only what they cannot give");
            st.task.mirrors = std::move(mirrors);
            start_work(st);
          },
          [&st](caf::error& err) {
            st.ctx.voice.warn("mirrors", "the cluster did not say which hives hold " + st.task.name
                                             + " (" + describe(err).message
                                             + "): fetching it from the origin");
            start_work(st);
          });
}

/// Puts the worker on its transfer, and starts the work unless it joined one.
void begin(caf::event_based_actor* self, file_worker& st) {
  auto joined = prepare(st, caf::actor_cast<caf::actor>(self));
  if (!joined)
    return self->quit(std::move(joined.error()));
  // The partial is the job's too: the supervisor removes it if a cancel comes
  // after a failure, unless another job's worker still follows it.
  self->send(st.ctx.supervisor, st.task);
  if (*joined) {
    tell_joined(st, **joined);
    if ((*joined)->result) // the work has just ended well: land it as the others do
      self->send(self, *(*joined)->result);
    return;
  }
  if (st.transfer->deciding())
    return ask_for_mirrors(self, st);
  // Nobody joins a transfer before it runs: a failed start is this job's alone.
  auto cancel = st.start(*st.transfer);
  if (!cancel)
    return self->quit(std::move(cancel.error()));
  st.transfer->run(std::move(*cancel));
}

} // namespace

caf::error file_worker::failed(const transfer_result& r) const {
  return make_error(static_cast<download_errc>(r.code), r.message);
}

file_worker::~file_worker() {
  if (transfer)
    transfer->leave(me, false);
}

caf::behavior run_file_worker(caf::event_based_actor* self, file_worker& st, vendor_context ctx) {
  st.ctx = std::move(ctx);
  st.task = st.ctx.task.value_or(file_task{});
  st.ctx.voice = {st.ctx.voice.narration, self->name(), st.task.name};
  st.me = self->address();
  self->set_exit_handler([self, &st](caf::exit_msg& msg) { on_exit(self, st, msg); });
  begin(self, st);
  return {
      [self, &st](transfer_result& r) { on_result(self, st, r); },
      // The work did not unwind in time: give up waiting for it.
      [self, &st](caf::timeout_atom) { quit_cancelled(self, st); },
  };
}

} // namespace hive
