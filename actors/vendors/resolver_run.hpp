#pragma once

// How a job's first vendor runs the network requests that work out the
// job's files: an Asio coroutine it owns and stops when it exits. Included
// by .cpp files only.

#include "messages/errc.hpp"
#include "messages/transfer_messages.hpp"
#include "messages/type_ids.hpp"
#include "net/cancellable.hpp"

#include <caf/actor_cast.hpp>
#include <caf/behavior.hpp>
#include <caf/exit_reason.hpp>
#include <caf/make_message.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

namespace hive {

/// The result or the error of `work`, as the message the actor receives.
template <class T>
boost::asio::awaitable<caf::message> as_message(boost::asio::awaitable<caf::expected<T>> work) {
  auto result = co_await std::move(work);
  if (!result)
    co_return caf::make_message(std::move(result.error()));
  co_return caf::make_message(std::move(*result));
}

/// Starts `work` on the job's I/O context; its result comes back to `self`
/// as a `T` or a `caf::error` message. Any exit of `self` (a cancel) stops the
/// requests at once: nothing is on disk yet, so there is nothing to wait for.
/// `State` has `ctx` (a vendor_context) and `cancel_requests` (a canceller).
template <class State, class T>
void start_resolving(caf::stateful_actor<State>* self,
                     boost::asio::awaitable<caf::expected<T>> work) {
  auto& st = self->state;
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (self->state.cancel_requests)
      self->state.cancel_requests();
    self->quit(msg.reason);
  });
  if (!st.ctx.settings.io) {
    self->quit(make_error(download_errc::internal, "no I/O context for network requests"));
    return;
  }
  auto me = caf::actor_cast<caf::actor>(self);
  st.cancel_requests = net::spawn_cancellable(
      *st.ctx.settings.io, as_message(std::move(work)),
      [me](bool cancelled, std::exception_ptr error, caf::message result) {
        if (cancelled)
          return; // the actor has already gone
        if (error)
          result = caf::make_message(make_error(download_errc::internal, net::what_of(error)));
        caf::anon_send(me, std::move(result));
      });
}

/// The behaviour of a resolver whose work yields the job's files: it hands
/// them to the supervisor, or fails with the work's error.
template <class State>
caf::behavior relay_job_files(caf::stateful_actor<State>* self) {
  return {
      [self](job_files& files) {
        self->state.cancel_requests = nullptr;
        self->send(self->state.ctx.supervisor, std::move(files));
        self->quit();
      },
      [self](caf::error& err) {
        self->state.cancel_requests = nullptr;
        self->quit(std::move(err));
      },
  };
}

} // namespace hive
