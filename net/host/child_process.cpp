#include "net/host/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace hive::net {

namespace {

using clock = std::chrono::steady_clock;

constexpr std::size_t max_line = 4096;
/// How long the group's orphans get to be reaped after SIGKILL.
constexpr auto reap_limit = std::chrono::seconds{2};

/// Runs on the process's thread from start to reaping.
class runner {
public:
  runner(process_request req, process_observer obs, int wake_fd)
    : req_(std::move(req)), obs_(std::move(obs)), wake_fd_(wake_fd) {
  }

  process_outcome run() {
    process_outcome out;
    if (auto error = start(); !error.empty()) {
      out.start_error = std::move(error);
      return out;
    }
    out.started = true;
    out.cancelled = pump();
    if (out.cancelled)
      terminate();
    flush_line();
    end_group();
    if (WIFEXITED(status_))
      out.exit_code = WEXITSTATUS(status_);
    else if (WIFSIGNALED(status_))
      out.signal = WTERMSIG(status_);
    return out;
  }

private:
  /// Spawns the program; an error text when it cannot start.
  std::string start() {
    // Once per process: orphans of a group become our children, to be reaped.
    [[maybe_unused]] static const bool subreaper = ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
      return std::string{"cannot create a pipe: "} + std::strerror(errno);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addchdir_np(&actions, req_.workdir.c_str());
    // Nothing else of ours: Asio's sockets are not close-on-exec, and a
    // process the build leaves behind must not keep the API's port open.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK
                                        | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none); // provisiond blocks SIGTERM in its threads
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE})
      sigaddset(&defaults, sig);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    std::vector<char*> argv;
    for (auto& arg : req_.argv)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& entry : req_.environment)
      envp.push_back(entry.data());
    envp.push_back(nullptr);
    int rc = ::posix_spawnp(&pid_, argv.front(), &actions, &attr, argv.data(), envp.data());
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      return "cannot start " + req_.argv.front() + " in " + req_.workdir.string() + ": "
             + std::strerror(rc);
    }
    out_fd_ = fds[0];
    ::fcntl(out_fd_, F_SETFL, O_NONBLOCK);
    return {};
  }

  /// Reads output until the program has exited and the pipe is closed (or,
  /// after the program's exit, left open by something it left behind);
  /// true when a cancel came first.
  bool pump() {
    auto next_tick = clock::now() + req_.tick;
    clock::time_point exited_at{};
    while (true) {
      pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {out_fd_, POLLIN, 0}};
      ::poll(fds, out_fd_ >= 0 ? 2 : 1, static_cast<int>(req_.tick.count()));
      if (fds[0].revents & POLLIN)
        return true;
      if (out_fd_ >= 0 && fds[1].revents != 0)
        read_output();
      if (auto now = clock::now(); now >= next_tick) {
        next_tick = now + req_.tick;
        if (obs_.on_tick)
          obs_.on_tick();
      }
      if (!reaped_ && ::waitpid(pid_, &status_, WNOHANG) == pid_) {
        reaped_ = true;
        exited_at = clock::now();
      }
      if (reaped_ && (out_fd_ < 0 || clock::now() - exited_at > req_.tick))
        return false;
    }
  }

  void read_output() {
    char buf[65536];
    auto n = ::read(out_fd_, buf, sizeof(buf));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return;
    if (n <= 0) {
      ::close(out_fd_);
      out_fd_ = -1;
      return;
    }
    for (char c : std::string_view{buf, static_cast<std::size_t>(n)}) {
      if (c == '\n' || c == '\r' || line_.size() >= max_line)
        flush_line();
      if (c != '\n' && c != '\r')
        line_ += c;
    }
  }

  void flush_line() {
    if (!line_.empty() && obs_.on_line)
      obs_.on_line(line_);
    line_.clear();
  }

  /// SIGTERM to the group, SIGKILL after the grace; the program is reaped.
  void terminate() {
    ::kill(-pid_, SIGTERM);
    auto deadline = clock::now() + req_.kill_grace;
    while (!reaped_ && clock::now() < deadline) {
      if (::waitpid(pid_, &status_, WNOHANG) == pid_)
        reaped_ = true;
      else
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    if (!reaped_) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, &status_, 0);
      reaped_ = true;
    }
  }

  /// Kills what is left of the group and reaps the orphans that came to us.
  /// The group's id cannot be reused while any member, even a zombie, is left.
  void end_group() {
    if (out_fd_ >= 0)
      ::close(out_fd_);
    out_fd_ = -1;
    ::kill(-pid_, SIGKILL);
    auto deadline = clock::now() + reap_limit;
    while (::kill(-pid_, 0) == 0 && clock::now() < deadline) {
      if (::waitpid(-pid_, nullptr, WNOHANG) <= 0)
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
  }

  process_request req_;
  process_observer obs_;
  int wake_fd_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  std::string line_;
};

} // namespace

child_process::child_process(process_request req, process_observer obs,
                             std::function<void(process_outcome)> done)
  : wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  thread_ = std::thread{[req = std::move(req), obs = std::move(obs), done = std::move(done),
                         wake = wake_fd_]() mutable {
    runner r{std::move(req), std::move(obs), wake};
    done(r.run());
  }};
}

child_process::~child_process() {
  cancel();
  thread_.join();
  ::close(wake_fd_);
}

void child_process::cancel() {
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof(one));
}

} // namespace hive::net
