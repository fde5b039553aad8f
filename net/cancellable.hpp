#pragma once

// How an actor starts a coroutine it owns and can stop at any moment.
// Included by .cpp files only.

#include "net/asio.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <exception>
#include <functional>
#include <memory>

namespace hive::net {

/// Stops a coroutine started by `spawn_cancellable`: emits a terminal
/// cancellation into its current operation. Safe from any thread, more than once.
using canceller = std::function<void()>;

/// Runs `work` on a new strand of `ioc`; `done(cancelled, error, value)` runs
/// on that strand exactly once, `cancelled` telling whether the canceller was
/// called before the coroutine finished.
template <class T, class Done>
canceller spawn_cancellable(boost::asio::io_context& ioc, boost::asio::awaitable<T> work,
                            Done done) {
  namespace asio = boost::asio;
  auto strand = asio::make_strand(ioc);
  auto signal = std::make_shared<asio::cancellation_signal>();
  // Touched only on the strand: by the canceller's posted handler and by the completion.
  auto cancelled = std::make_shared<bool>(false);
  asio::co_spawn(
      strand, std::move(work),
      asio::bind_cancellation_slot(signal->slot(), [done = std::move(done), signal, cancelled](
                                                       std::exception_ptr error, T value) mutable {
        done(*cancelled, std::move(error), std::move(value));
      }));
  return [strand, signal, cancelled] {
    asio::post(strand, [signal, cancelled] {
      *cancelled = true;
      signal->emit(asio::cancellation_type::terminal);
    });
  };
}

/// The message of an exception thrown out of a coroutine.
inline std::string what_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown failure";
  }
}

} // namespace hive::net
