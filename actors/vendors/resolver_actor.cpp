#include "actors/vendors/resolver_actor.hpp"

#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "net/cancellable.hpp"

#include <caf/actor_cast.hpp>
#include <caf/make_message.hpp>
#include <caf/send.hpp>

namespace hive {

namespace {

/// How long a cancelled plan may take to stop before the resolver goes anyway.
constexpr auto unwind_limit = std::chrono::seconds{2};

/// The plan's files or its error, as the message the actor receives.
boost::asio::awaitable<caf::message>
as_message(boost::asio::awaitable<caf::expected<job_files>> work) {
  auto result = co_await std::move(work);
  if (!result)
    co_return caf::make_message(std::move(result.error()));
  co_return caf::make_message(std::move(*result));
}

} // namespace

caf::behavior run_resolver(caf::event_based_actor* self, resolver_state& st, vendor_context ctx,
                           resolver_plan plan) {
  st.ctx = std::move(ctx);
  st.ctx.voice.speaker = self->name();
  // A cancelled plan may be writing the vendor's layout (a cache's refs and
  // links): the resolver goes once the plan has stopped, so that the job is
  // not reported cancelled, and its files released, while it still writes.
  self->set_exit_handler([self, &st](caf::exit_msg& msg) {
    if (!st.cancel_plan)
      return self->quit(msg.reason);
    st.cancel_plan();
    if (!is_cancellation(msg.reason))
      return self->quit(msg.reason);
    st.exit_reason = std::move(msg.reason);
    self->delayed_send(self, unwind_limit, caf::timeout_atom_v);
  });
  if (!st.ctx.settings.io) {
    self->quit(make_error(download_errc::internal, "no I/O context for network requests"));
    return {};
  }
  st.cancel_plan = net::spawn_cancellable(
      *st.ctx.settings.io, as_message(plan(st.ctx)),
      [me = caf::actor_cast<caf::actor>(self)](bool cancelled, std::exception_ptr error,
                                               caf::message result) {
        if (cancelled)
          result = caf::make_message(make_error(download_errc::cancelled));
        else if (error)
          result = caf::make_message(make_error(download_errc::internal, net::what_of(error)));
        caf::anon_send(me, std::move(result));
      });
  return {
      [self, &st](job_files& files) {
        st.cancel_plan = nullptr;
        if (st.exit_reason)
          return self->quit(st.exit_reason);
        self->send(st.ctx.supervisor, std::move(files));
        self->quit();
      },
      [self, &st](caf::error& err) {
        st.cancel_plan = nullptr;
        self->quit(st.exit_reason ? st.exit_reason : std::move(err));
      },
      [self, &st](caf::timeout_atom) { self->quit(st.exit_reason); },
  };
}

} // namespace hive
