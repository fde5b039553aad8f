#pragma once

#include "messages/transfer_messages.hpp"

#include <caf/actor.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace hive {

/// How an actor of a job speaks: to the job's narration actor, as `speaker`,
/// about `target`. A value that Asio and disk threads may copy; it sends
/// without a sender. Each method says what kind of thing is said, so that a
/// note's level is chosen here and nowhere else.
struct narrator {
  caf::actor narration;
  /// The actor that speaks, e.g. `url_vendor`.
  std::string speaker;
  /// What it speaks about, e.g. a file name; empty for the job itself.
  std::string target;

  /// Tells what goes on (`info`).
  void say(std::string action, std::string human) const;
  /// Tells of a setback the job survives or chose: a retry, a cancel (`warn`).
  void warn(std::string action, std::string human) const;
  /// Tells of a failure (`error`).
  void error(std::string action, std::string human) const;
  /// net's `on_retry` callback: warns "<why>; trying again in 1.5 s (attempt 2)".
  std::function<void(int attempt, std::chrono::milliseconds delay, const std::string& why)>
  retries() const;

private:
  void note(std::string action, std::string human, narration_level level) const;
};

} // namespace hive
