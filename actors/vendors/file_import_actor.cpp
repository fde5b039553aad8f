#include "actors/vendors/file_import_actor.hpp"

#include "actors/vendors/vendor_progress.hpp"
#include "messages/errc.hpp"
#include "net/format/human_units.hpp"
#include "messages/type_ids.hpp"
#include "net/host/file_system.hpp"
#include "net/host/part_file.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

namespace hive {

namespace {

/// How long a cancelled import may take to stop before we stop waiting.
constexpr auto unwind_limit = std::chrono::seconds{2};

void narrate(file_import_actor_type* self, std::string action, std::string human) {
  auto& st = self->state;
  self->send(st.ctx.narration,
             narration_note{"file_import", std::move(action), st.task.name, std::move(human)});
}

void quit_cancelled(file_import_actor_type* self) {
  net::remove_partial(self->state.task.part_path);
  self->quit(make_error(download_errc::cancelled));
}

void on_result(file_import_actor_type* self, transfer_result& r) {
  auto& st = self->state;
  st.cancel_import = nullptr;
  if (st.cancelling || r.cancelled)
    return quit_cancelled(self);
  if (!r.ok) // the import removed its partial file
    return self->quit(make_error(static_cast<download_errc>(r.code), r.message));
  if (!st.task.sha256.empty() && st.task.sha256 != r.sha256) {
    net::remove_partial(st.task.part_path);
    return self->quit(
        make_error(download_errc::checksum_mismatch,
                   st.task.name + ": expected sha256 " + st.task.sha256 + ", got " + r.sha256));
  }
  if (auto ec = net::rename_durably(st.task.part_path, st.task.final_path)) {
    net::remove_partial(st.task.part_path);
    return self->quit(make_error(download_errc::io_failed, "cannot move " + st.task.part_path
                                                               + " into place: " + ec.message()));
  }
  narrate(self, "import_done",
          "imported " + st.task.name + " (" + format_bytes(r.bytes) + ", " + r.message + ", sha256 "
              + r.sha256.substr(0, 12) + "…)");
  self->send(st.ctx.supervisor,
             file_fetched{st.task.name, st.task.final_path, r.bytes, r.sha256, std::string{}});
  self->quit();
}

} // namespace

caf::behavior file_import_actor(file_import_actor_type* self, vendor_context ctx) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.task = st.ctx.task.value_or(file_task{});
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& st = self->state;
    if (!st.cancel_import) {
      net::remove_partial(st.task.part_path);
      return self->quit(msg.reason);
    }
    // The import removes its partial file once it stops; on a cancel we wait
    // for that, so that the job is not reported cancelled before.
    st.cancel_import();
    if (!is_cancellation(msg.reason))
      return self->quit(msg.reason);
    st.cancelling = true;
    show_state(st.ctx.stats, actor_activity::cancelling);
    self->delayed_send(self, unwind_limit, caf::timeout_atom_v);
  });
  if (!st.ctx.settings.disk) {
    self->quit(make_error(download_errc::internal, "no disk pool for file imports"));
    return {};
  }
  if (auto failed = net::create_folder_of(st.task.part_path)) {
    self->quit(make_error(failed->code, std::move(failed->message)));
    return {};
  }
  // The partial is ours: the supervisor removes it if a cancel comes after a failure.
  self->send(st.ctx.supervisor, st.task);
  narrate(self, "import_start",
          "importing " + st.task.source_path + " (" + format_bytes(st.task.size) + ")");
  net::import_request req{st.task.source_path, st.task.part_path};
  req.progress_interval = st.ctx.settings.progress_interval;
  auto me = caf::actor_cast<caf::actor>(self);
  auto progress = progress_reporter(st.ctx, st.task.name);
  st.cancel_import = net::start_import(
      *st.ctx.settings.disk, std::move(req), std::move(progress), [me](net::import_outcome out) {
        caf::anon_send(me, transfer_result{out.ok,
                                           out.cancelled,
                                           static_cast<std::uint8_t>(out.code),
                                           std::move(out.message),
                                           out.bytes,
                                           out.bytes,
                                           std::move(out.sha256),
                                           0,
                                           {}});
      });
  return {
      [self](transfer_result& r) { on_result(self, r); },
      [self](caf::timeout_atom) { quit_cancelled(self); },
  };
}

} // namespace hive
