#include "actors/vendors/url_vendor_actor.hpp"

#include "actors/vendors/hf/hf_cache.hpp"
#include "actors/jobs/narration_actor.hpp"
#include "actors/vendors/vendor_progress.hpp"
#include "messages/errc.hpp"
#include "net/format/human_units.hpp"
#include "messages/type_ids.hpp"
#include "net/host/file_system.hpp"
#include "net/host/part_file.hpp"
#include "net/host/sha256.hpp"
#include "net/url.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

namespace hive {

namespace {

/// How long a cancelled transfer may take to unwind before we stop waiting.
constexpr auto unwind_limit = std::chrono::seconds{2};

void narrate(url_vendor_actor_type* self, std::string action, std::string human,
             narration_level level = narration_level::info) {
  auto& ctx = self->state.ctx;
  self->send(ctx.narration, narration_note{"url_vendor", std::move(action), self->state.task.name,
                                           std::move(human), level});
}

void remove_partial(url_vendor_actor_type* self) {
  net::remove_partial(self->state.task.part_path);
}

net::fetch_request make_request(const url_vendor_state& st) {
  net::fetch_request req;
  req.url = st.task.url;
  // A token the resolver obtained for this file (a registry's) wins over the job's.
  bool own_token = !st.task.bearer_token.empty();
  req.bearer_token = own_token ? st.task.bearer_token : st.ctx.bearer_token;
  req.token_origin = own_token ? st.task.token_origin : st.ctx.token_origin;
  req.accept = st.task.accept;
  req.part_path = st.task.part_path;
  req.ca_file = st.ctx.settings.ca_file;
  req.proxy = st.ctx.settings.proxy;
  req.connect_timeout = st.ctx.settings.connect_timeout;
  req.stall_timeout = st.ctx.settings.stall_timeout;
  req.progress_interval = st.ctx.settings.progress_interval;
  req.retry_backoff = st.ctx.settings.retry_backoff;
  req.disk = st.ctx.settings.disk;
  req.expected_size = st.task.size;
  // The node's limit is for files named by URL alone; the other sources'
  // files are sized by their own listings.
  if (st.ctx.ref.vendor == "url")
    req.max_size = st.ctx.settings.max_download_size;
  return req;
}

net::fetch_observer make_observer(const vendor_context& ctx, const std::string& file) {
  net::fetch_observer obs;
  obs.on_response = [narration = ctx.narration, stats = ctx.stats, file](
                        const std::string& url, std::uint64_t total, std::uint64_t resumed_from) {
    // From the transfer's thread: a cancel that came first keeps its state.
    if (auto expected = actor_activity::connecting; stats)
      stats->state.compare_exchange_strong(expected, actor_activity::transferring,
                                           std::memory_order_relaxed);
    auto size = total ? format_bytes(total) : std::string{"unknown size"};
    auto human = resumed_from ? "resuming " + file + " at " + format_bytes(resumed_from) + " of "
                                    + size + " from " + url
                              : "downloading " + file + " (" + size + ") from " + url;
    caf::anon_send(narration, narration_note{"url_vendor", "transfer_start", file, human,
                                             narration_level::info});
  };
  obs.on_redirect = [narration = ctx.narration, file](const std::string&, const std::string& to) {
    caf::anon_send(narration, narration_note{"url_vendor", "redirect", file, "redirected to " + to,
                                             narration_level::info});
  };
  obs.on_retry = narrate_retries(ctx.narration, "url_vendor", file);
  obs.on_progress = progress_reporter(ctx, file);
  return obs;
}

/// What is wrong with a finished transfer: its size or a digest; the git blob
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

void on_transfer_result(url_vendor_actor_type* self, transfer_result& r) {
  auto& st = self->state;
  st.cancel_transfer = nullptr;
  if (st.cancelling || r.cancelled) {
    remove_partial(self);
    self->quit(make_error(download_errc::cancelled));
    return;
  }
  if (!r.ok) {
    auto error = make_error(static_cast<download_errc>(r.code), r.message);
    if (r.code == static_cast<std::uint8_t>(download_errc::http_status) && st.ctx.explain_refusal)
      if (auto explained = st.ctx.explain_refusal(r.http_status, r.refusal_headers, r.message))
        error = make_error(explained->code, std::move(explained->message));
    // The supervisor removes a part that cannot be resumed once the job is over.
    bool resumable = net::read_partial(st.task.part_path).size > 0;
    narrate(self, "transfer_failed",
            r.message + (resumable ? " (partial data kept for a later resume)" : ""),
            narration_level::error);
    self->quit(std::move(error));
    return;
  }
  if (auto mismatch = check(st.task, r)) {
    remove_partial(self);
    self->quit(std::move(*mismatch));
    return;
  }
  if (auto ec = net::rename_durably(st.task.part_path, st.task.final_path)) {
    self->quit(make_error(download_errc::io_failed,
                          "cannot move " + st.task.part_path + " into place: " + ec.message()));
    return;
  }
  std::vector<file_fetched> fetched{{st.task.name, st.task.final_path, r.bytes, r.sha256,
                                     st.task.shared ? st.task.final_path : ""}};
  if (!st.task.link_path.empty()) {
    fetched.front() = {st.task.name, st.task.link_path, r.bytes, r.sha256, st.task.final_path};
    for (const auto& alias : st.task.aliases)
      fetched.push_back({alias.name, alias.link_path, r.bytes, r.sha256, st.task.final_path});
    for (const auto& f : fetched)
      if (auto link_ec = hf::link_pointer(f.path, f.blob)) {
        self->quit(make_error(download_errc::io_failed,
                              "cannot link " + f.path + ": " + link_ec.message()));
        return;
      }
  }
  narrate(self, "transfer_done",
          "downloaded " + st.task.name + " (" + format_bytes(r.bytes) + ", sha256 "
              + r.sha256.substr(0, 12) + "…)");
  for (auto& f : fetched)
    self->send(st.ctx.supervisor, std::move(f));
  self->quit();
}

} // namespace

caf::behavior url_vendor_actor(url_vendor_actor_type* self, vendor_context ctx) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.task = st.ctx.task ? *st.ctx.task : direct_task(st.ctx);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& st = self->state;
    bool cancel = is_cancellation(msg.reason);
    if (st.cancel_transfer) {
      // Keep the partial file on shutdown; delete it on cancel once the
      // coroutine has closed it (in on_transfer_result).
      st.cancelling = cancel;
      if (cancel)
        show_state(st.ctx.stats, actor_activity::cancelling);
      st.cancel_transfer();
      if (cancel)
        self->delayed_send(self, unwind_limit, caf::timeout_atom_v);
      else
        self->quit(msg.reason);
      return;
    }
    if (cancel)
      remove_partial(self);
    self->quit(msg.reason);
  });
  if (auto failed = net::create_folder_of(st.task.part_path)) {
    self->quit(make_error(failed->code, std::move(failed->message)));
    return {};
  }
  std::error_code ec;
  st.claim = net::part_claim::acquire(st.task.part_path, ec);
  if (ec == std::errc::resource_unavailable_try_again) {
    self->quit(make_error(download_errc::file_busy, "another job is fetching " + st.task.name
                                                        + " into " + st.task.part_path
                                                        + " right now; try again once it is done"));
    return {};
  }
  if (ec) {
    self->quit(make_error(download_errc::io_failed,
                          "cannot open " + st.task.part_path + ": " + ec.message()));
    return {};
  }
  // The partial is ours: the supervisor removes it if a cancel comes after a failure.
  self->send(st.ctx.supervisor, st.task);
  if (!st.ctx.settings.io) {
    self->quit(make_error(download_errc::internal, "no I/O context for network transfers"));
    return {};
  }
  narrate(self, "resolve", "connecting to fetch " + net::shown_url(st.task.url));
  show_state(st.ctx.stats, actor_activity::connecting);
  auto me = caf::actor_cast<caf::actor>(self);
  st.cancel_transfer = net::start_fetch(
      *st.ctx.settings.io, make_request(st), make_observer(st.ctx, st.task.name),
      [me](net::fetch_outcome out) {
        caf::anon_send(
            me, transfer_result{out.ok, out.cancelled, static_cast<std::uint8_t>(out.code),
                                std::move(out.message), out.bytes, out.total, std::move(out.sha256),
                                out.http_status, std::move(out.refusal_headers)});
      });
  return {
      [self](transfer_result& r) { on_transfer_result(self, r); },
      [self](caf::timeout_atom) {
        // The transfer did not unwind in time: give up waiting for it.
        remove_partial(self);
        self->quit(make_error(download_errc::cancelled));
      },
  };
}

file_task direct_task(const vendor_context& ctx) {
  file_task task;
  task.name = ctx.ref.file_name;
  task.url = ctx.ref.location;
  task.final_path = (ctx.dest_dir / ctx.ref.file_name).string();
  task.part_path = task.final_path + ".part";
  task.sha256 = ctx.expected_sha256;
  return task;
}

} // namespace hive
