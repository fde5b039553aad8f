#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/expected.hpp>
#include <caf/sec.hpp>

#include <chrono>
#include <memory>

namespace hive::net {

/// Sends a request to an actor from an Asio coroutine and awaits the reply
/// without blocking the Asio thread: a short-lived actor makes the request and
/// posts the result back to the coroutine's executor.
template <class Result, class... Ts>
boost::asio::awaitable<caf::expected<Result>> ask(caf::actor_system& sys, caf::actor dest,
                                                  std::chrono::milliseconds timeout, Ts... xs) {
  namespace asio = boost::asio;
  auto ex = co_await asio::this_coro::executor;
  auto initiate = [&sys, dest, timeout, ex](auto handler, Ts... args) {
    using handler_type = decltype(handler);
    auto h = std::make_shared<handler_type>(std::move(handler));
    auto complete = [ex, h](caf::expected<Result> value) {
      asio::post(ex, [h, value = std::move(value)]() mutable { (*h)(std::move(value)); });
    };
    sys.spawn([=](caf::event_based_actor* self) {
      // CAF 0.17 never answers a request whose receiver quits holding the
      // promise: watching the receiver turns that into an error at once
      // instead of a timeout (which would also hold up shutdown).
      self->monitor(dest);
      self->set_down_handler([=](caf::down_msg&) {
        complete(caf::make_error(caf::sec::request_receiver_down));
        self->quit();
      });
      // CAF 0.17 keeps a monitor entry in the receiver until demonitored.
      auto done = [=](caf::expected<Result> value) {
        self->demonitor(dest);
        complete(std::move(value));
        self->quit();
      };
      self->request(dest, caf::duration{timeout}, args...)
          .then([=](Result& r) { done(std::move(r)); },
                [=](caf::error& err) { done(std::move(err)); });
    });
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                          void(caf::expected<Result>)>(initiate,
                                                                       asio::use_awaitable, xs...);
}

} // namespace hive::net
