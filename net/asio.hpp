#pragma once

// The Asio preamble: what every file that runs or awaits coroutines needs.
// Included first, in place of the Asio headers it names.

#include <utility> // Boost 1.74's awaitable.hpp needs std::exchange; harmless on 1.81.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
