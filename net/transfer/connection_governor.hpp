#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace hive::net {

/// How many connections one file's transfer should use. It starts with one
/// and multiplies by four (1, 4, 16, ... up to the ceiling) while the total
/// rate grows with them, as it does from a CDN that caps each connection.
/// Once a step fails to raise the rate by a third (loopback, a node bound by
/// its disk or its hashing), it adds no more. Each step is judged from its
/// start (so that the first bytes of its new connections count) over at
/// least a window, and only once every connection of the step delivers.
class connection_governor {
public:
  using clock = std::chrono::steady_clock;

  connection_governor(unsigned ceiling, std::chrono::milliseconds window);

  /// At `now`, `bytes` have arrived in all and `delivering` connections have
  /// sent bytes: the connections the transfer should have.
  unsigned want(clock::time_point now, std::uint64_t bytes, unsigned delivering);

  /// Whether the count is final.
  bool settled() const {
    return settled_ || target_ >= ceiling_;
  }

private:
  unsigned ceiling_;
  std::chrono::milliseconds window_;
  unsigned target_ = 1;
  bool settled_ = false;
  std::optional<clock::time_point> window_start_;
  std::uint64_t window_bytes_ = 0;
  double last_rate_ = 0;
};

} // namespace hive::net
