#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <sys/types.h>
#include <thread>
#include <utility>
#include <vector>

namespace hive::test {

/// Runs a command through the shell and returns its exit code and stdout+stderr.
std::pair<int, std::string> run(const std::string& command);

/// A provisiond child process on a port it picks itself (`--listen 127.0.0.1:0`);
/// the port is read from its log, which a thread keeps draining. Its log is
/// added to the test's failure, if any.
class daemon_process {
public:
  /// `env` entries (`NAME=value`) are set on top of this process's
  /// environment; `NAME=` leaves a variable empty, which provisiond ignores.
  explicit daemon_process(std::vector<std::string> args, std::vector<std::string> env = {});
  ~daemon_process();

  daemon_process(const daemon_process&) = delete;
  daemon_process& operator=(const daemon_process&) = delete;

  std::uint16_t port() const {
    return static_cast<std::uint16_t>(port_);
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }

  /// Sends `sig` and returns the exit status and how long the exit took.
  std::pair<int, std::chrono::milliseconds> stop(int sig);

private:
  int port_ = 0;
  pid_t pid_ = -1;
  std::string log_; // written by drain_, read once it is joined
  std::thread drain_;
};

} // namespace hive::test
