#pragma once

// How a resolver actor runs its network work: an Asio coroutine whose result
// comes back to the actor as a message. Included by .cpp files only.

#include <utility> // Boost 1.74's awaitable.hpp needs std::exchange; harmless on 1.81.

#include "messages/errc.hpp"
#include "net/cancellable.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/send.hpp>

namespace hive {

/// The value or the error of `work` as one message: Asio needs a
/// default-constructible result, which `caf::expected` is not.
template <class T>
boost::asio::awaitable<caf::message> as_message(boost::asio::awaitable<caf::expected<T>> work) {
  auto result = co_await std::move(work);
  if (!result)
    co_return caf::make_message(std::move(result.error()));
  co_return caf::make_message(std::move(*result));
}

/// Runs `work` on `io`; `owner` receives its `T` or its `caf::error` (an
/// exception becomes `internal`), unless the returned canceller was called
/// first: then nothing is sent, the actor having gone.
template <class T>
net::canceller resolve_for(caf::actor owner, boost::asio::io_context& io,
                           boost::asio::awaitable<caf::expected<T>> work) {
  return net::spawn_cancellable(
      io, as_message(std::move(work)),
      [owner](bool cancelled, std::exception_ptr error, caf::message result) {
        if (cancelled)
          return;
        if (error)
          result = caf::make_message(make_error(download_errc::internal, net::what_of(error)));
        caf::anon_send(owner, std::move(result));
      });
}

} // namespace hive
