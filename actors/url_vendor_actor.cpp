#include "actors/url_vendor_actor.hpp"

#include "messages/errc.hpp"
#include "messages/human_units.hpp"
#include "messages/type_ids.hpp"
#include "net/part_file.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

namespace hive {

namespace {

/// How long a cancelled transfer may take to unwind before we stop waiting.
constexpr auto unwind_limit = std::chrono::seconds{2};

void narrate(url_vendor_actor_type* self, std::string action, std::string human,
             std::string level = "info") {
  auto& ctx = self->state.ctx;
  self->send(ctx.narration, narration_note{"url_vendor", std::move(action), ctx.ref.file_name,
                                           std::move(human), std::move(level)});
}

void remove_partial(url_vendor_actor_type* self) {
  net::remove_partial(self->state.part_path);
}

bool is_cancel(const caf::error& reason) {
  return reason == make_error(download_errc::cancelled);
}

net::fetch_request make_request(const url_vendor_state& st) {
  net::fetch_request req;
  req.url = st.ctx.ref.location;
  req.bearer_token = st.ctx.bearer_token;
  req.part_path = st.part_path;
  req.ca_file = st.ctx.settings.ca_file;
  req.proxy = st.ctx.settings.proxy;
  req.connect_timeout = st.ctx.settings.connect_timeout;
  req.stall_timeout = st.ctx.settings.stall_timeout;
  req.progress_interval = st.ctx.settings.progress_interval;
  req.retry_backoff = st.ctx.settings.retry_backoff;
  req.disk = st.ctx.settings.disk;
  return req;
}

net::fetch_observer make_observer(const vendor_context& ctx) {
  net::fetch_observer obs;
  auto file = ctx.ref.file_name;
  obs.on_response = [narration = ctx.narration, file](const std::string& url, std::uint64_t total,
                                                      std::uint64_t resumed_from) {
    auto size = total ? format_bytes(total) : std::string{"unknown size"};
    auto human = resumed_from ? "resuming " + file + " at " + format_bytes(resumed_from) + " of "
                                    + size + " from " + url
                              : "downloading " + file + " (" + size + ") from " + url;
    caf::anon_send(narration, narration_note{"url_vendor", "transfer_start", file, human, "info"});
  };
  obs.on_redirect = [narration = ctx.narration, file](const std::string&, const std::string& to) {
    caf::anon_send(narration,
                   narration_note{"url_vendor", "redirect", file, "redirected to " + to, "info"});
  };
  obs.on_retry = [narration = ctx.narration, file](int attempt, std::chrono::milliseconds delay,
                                                   const std::string& why) {
    auto secs =
        std::to_string(delay.count() / 1000) + "." + std::to_string(delay.count() % 1000 / 100);
    caf::anon_send(narration, narration_note{"url_vendor", "retry", file,
                                             why + "; trying again in " + secs + " s (attempt "
                                                 + std::to_string(attempt + 1) + ")",
                                             "warn"});
  };
  obs.on_progress = [tracker = ctx.tracker, file](std::uint64_t bytes, std::uint64_t total) {
    caf::anon_send(tracker, progress_update{file, bytes, total});
  };
  return obs;
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
      if (auto explained = st.ctx.explain_refusal(r.http_status, r.error_header, r.message))
        error = std::move(*explained);
    narrate(self, "transfer_failed", r.message + " (partial data kept for a later resume)",
            "error");
    self->quit(std::move(error));
    return;
  }
  auto& expected = st.ctx.expected_sha256;
  if (!expected.empty() && expected != r.sha256) {
    remove_partial(self);
    self->quit(
        make_error(download_errc::checksum_mismatch,
                   st.ctx.ref.file_name + ": expected sha256 " + expected + ", got " + r.sha256));
    return;
  }
  std::error_code ec;
  std::filesystem::rename(st.part_path, st.final_path, ec);
  if (ec) {
    self->quit(make_error(download_errc::io_failed,
                          "cannot move " + st.part_path.string() + " into place: " + ec.message()));
    return;
  }
  narrate(self, "transfer_done",
          "downloaded " + st.ctx.ref.file_name + " (" + format_bytes(r.bytes) + ", sha256 "
              + r.sha256.substr(0, 12) + "…)");
  self->send(st.ctx.supervisor,
             file_fetched{st.ctx.ref.file_name, st.final_path.string(), r.bytes, r.sha256});
  self->quit();
}

} // namespace

caf::behavior url_vendor_actor(url_vendor_actor_type* self, vendor_context ctx) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.final_path = st.ctx.dest_dir / st.ctx.ref.file_name;
  st.part_path = st.ctx.dest_dir / (st.ctx.ref.file_name + ".part");
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& st = self->state;
    bool cancel = is_cancel(msg.reason);
    if (st.cancel_transfer) {
      // Keep the partial file on shutdown; delete it on cancel once the
      // coroutine has closed it (in on_transfer_result).
      st.cancelling = cancel;
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
  std::error_code ec;
  std::filesystem::create_directories(st.ctx.dest_dir, ec);
  if (ec) {
    self->quit(make_error(download_errc::io_failed,
                          "cannot create " + st.ctx.dest_dir.string() + ": " + ec.message()));
    return {};
  }
  if (!st.ctx.settings.io) {
    self->quit(make_error(download_errc::internal, "no I/O context for network transfers"));
    return {};
  }
  narrate(self, "resolve", "connecting to fetch " + st.ctx.ref.location);
  auto me = caf::actor_cast<caf::actor>(self);
  st.cancel_transfer = net::start_fetch(
      *st.ctx.settings.io, make_request(st), make_observer(st.ctx), [me](net::fetch_outcome out) {
        caf::anon_send(
            me, transfer_result{out.ok, out.cancelled, static_cast<std::uint8_t>(out.code),
                                std::move(out.message), out.bytes, out.total, std::move(out.sha256),
                                out.http_status, std::move(out.error_header)});
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

} // namespace hive
