#include "actors/vendors/file_import_actor.hpp"

#include "actors/vendors/vendor_progress.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "net/format/human_units.hpp"
#include "net/host/file_import.hpp"

namespace hive {

bool file_import_state::resumes() const {
  return false;
}

caf::expected<std::function<void()>> file_import_state::start(shared_transfer& transfer) const {
  if (!ctx.settings.disk)
    return make_error(download_errc::internal, "no disk pool for file imports");
  ctx.voice.say("import_start",
                "importing " + task.source_path + " (" + format_bytes(task.size) + ")");
  net::import_request req{task.source_path, task.part_path};
  req.progress_interval = ctx.settings.progress_interval;
  // A local copy uses no connection.
  auto progress = [report = transfer.observer().on_progress](
                      std::uint64_t bytes, std::uint64_t total) { report(bytes, total, 0, {}); };
  return net::start_import(*ctx.settings.disk, std::move(req), progress,
                           [to = transfer.shared_from_this()](net::import_outcome out) {
                             to->deliver(transfer_result{out.ok,
                                                         out.cancelled,
                                                         static_cast<std::uint8_t>(out.code),
                                                         std::move(out.message),
                                                         out.bytes,
                                                         out.bytes,
                                                         std::move(out.sha256),
                                                         0,
                                                         {},
                                                         {}});
                           });
}

net::fetch_observer file_import_state::observer() const {
  net::fetch_observer obs;
  obs.on_progress = progress_reporter(ctx, task.name);
  return obs;
}

void file_import_state::landed(const transfer_result& r) const {
  ctx.voice.say("import_done", "imported " + task.name + " (" + format_bytes(r.bytes) + ", "
                                   + r.message + ", sha256 " + r.sha256.substr(0, 12) + "…)");
}

caf::behavior file_import_actor(file_import_actor_type* self, vendor_context ctx) {
  return run_file_worker(self, self->state, std::move(ctx));
}

} // namespace hive
