#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <thread>
#include <utility>
#include <vector>

namespace hive::test {

/// Runs a command through the shell and returns its exit code and stdout+stderr.
std::pair<int, std::string> run(const std::string& command);

/// A provisiond child process on a port it picks itself (`--listen 127.0.0.1:0`);
/// the port is read from its log, which a thread keeps draining, and so is
/// its cluster port when it was given `--cluster-listen 127.0.0.1:0`. Its log
/// is added to the test's failure, if any.
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
  /// The port of `--cluster-listen 127.0.0.1:...`, 0 when it does not listen.
  std::uint16_t cluster_port() const {
    return static_cast<std::uint16_t>(cluster_port_);
  }

  /// Waits until the log shows `text` (from the start of the tail kept), at
  /// most `deadline`; true if it did.
  bool wait_for_log(const std::string& text, std::chrono::milliseconds deadline);

  pid_t pid() const {
    return pid_;
  }

  /// Sends `sig` and returns the exit status and how long the exit took.
  std::pair<int, std::chrono::milliseconds> stop(int sig);

private:
  int port_ = 0;
  int cluster_port_ = 0;
  pid_t pid_ = -1;
  std::mutex log_mtx_;
  std::condition_variable log_grew_;
  std::string log_; // written by drain_ under log_mtx_
  std::thread drain_;
};

} // namespace hive::test
