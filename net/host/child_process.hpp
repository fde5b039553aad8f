#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace hive::net {

/// A program to run, and how patiently to stop it.
struct process_request {
  /// The program (looked up in `PATH`) and its arguments; no shell.
  std::vector<std::string> argv;
  std::filesystem::path workdir;
  /// Its whole environment (`NAME=value`): nothing of this process's is passed on.
  std::vector<std::string> environment;
  /// Between SIGTERM and SIGKILL when the process is cancelled.
  std::chrono::milliseconds kill_grace{std::chrono::seconds{2}};
  /// Interval of `on_tick` while it runs.
  std::chrono::milliseconds tick{100};
};

/// Callbacks on the process's own thread: they must be thread-safe (`anon_send`).
struct process_observer {
  /// Each line of stdout and stderr (merged), without its line end.
  std::function<void(std::string_view line)> on_line;
  std::function<void()> on_tick;
};

/// How a process ended, once nothing of its process group is left.
struct process_outcome {
  /// False when it could not start; `start_error` says why.
  bool started = false;
  std::string start_error;
  bool cancelled = false;
  /// The exit code, or -1 when a signal ended it (then `signal` is set).
  int exit_code = -1;
  int signal = 0;
};

/// A child process in its own process group, stdout and stderr on one pipe,
/// stdin from /dev/null, signals at their defaults. A dedicated thread
/// starts it, reads its output and reaps it: no SIGCHLD handler, no other
/// child of the process is touched. When the program exits, what it left
/// running in its group is killed; a cancel sends the group SIGTERM, then
/// SIGKILL after the grace. To reap the group's orphans even where PID 1
/// does not, the first process started makes this process a child
/// subreaper (`PR_SET_CHILD_SUBREAPER`). A program that leaves its process
/// group (a daemon calling setsid) is beyond reach.
class child_process {
public:
  /// Starts the thread; `done` runs on it exactly once, last.
  child_process(process_request req, process_observer obs,
                std::function<void(process_outcome)> done);
  /// Cancels and waits for the thread (at most about the kill grace).
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Stops the process group. Safe from any thread, more than once.
  void cancel();

private:
  int wake_fd_ = -1;
  std::thread thread_;
};

} // namespace hive::net
