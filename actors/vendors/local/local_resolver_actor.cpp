#include "actors/vendors/local/local_resolver_actor.hpp"

#include "actors/vendors/local/local_files.hpp"
#include "messages/errc.hpp"
#include "net/format/human_units.hpp"
#include "messages/type_ids.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <caf/event_based_actor.hpp>
#include <caf/make_message.hpp>
#include <caf/send.hpp>

namespace hive {

namespace {

void on_listing(local_resolver_actor_type* self, std::vector<file_task>& tasks) {
  auto& ctx = self->state.ctx;
  if (auto err = expect_sha256(tasks, ctx.expected_sha256, ctx.ref.location))
    return self->quit(std::move(err));
  std::uint64_t total = 0;
  for (const auto& task : tasks)
    total += task.size;
  self->send(ctx.voice.narration,
             narration_note{"local_resolver", "resolved", ctx.ref.location,
                            ctx.ref.location + ": " + std::to_string(tasks.size()) + " file(s), "
                                + format_bytes(total)});
  self->send(ctx.supervisor, job_files{std::move(tasks), {}, {}});
  self->quit();
}

} // namespace

caf::behavior local_resolver_actor(local_resolver_actor_type* self, vendor_context ctx) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  // Nothing is written before the listing is sent: an exit needs no cleanup.
  self->set_exit_handler([self](caf::exit_msg& msg) { self->quit(msg.reason); });
  if (!st.ctx.settings.disk) {
    self->quit(make_error(download_errc::internal, "no disk pool for file imports"));
    return {};
  }
  // A slow or huge folder is walked off the actor threads.
  boost::asio::post(*st.ctx.settings.disk,
                    [me = caf::actor_cast<caf::actor>(self), source = st.ctx.ref.location,
                     dest = st.ctx.dest_dir, roots = st.ctx.settings.import_roots] {
                      auto tasks = list_local_files(source, dest, roots);
                      caf::anon_send(me, tasks ? caf::make_message(std::move(*tasks))
                                               : caf::make_message(std::move(tasks.error())));
                    });
  return {
      [self](std::vector<file_task>& tasks) { on_listing(self, tasks); },
      [self](caf::error& err) { self->quit(std::move(err)); },
  };
}

} // namespace hive
