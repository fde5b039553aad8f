#include "tests/support/daemon_process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <future>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>

namespace hive::test {

std::pair<int, std::string> run(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  std::array<char, 4096> buf{};
  while (auto n = std::fread(buf.data(), 1, buf.size(), pipe))
    output.append(buf.data(), n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

daemon_process::daemon_process(std::vector<std::string> args, std::vector<std::string> env) {
  args.insert(args.begin(), {PROVISIOND_PATH, "--listen", "127.0.0.1:0"});
  int out[2];
  EXPECT_EQ(::pipe(out), 0);
  std::vector<char*> argv; // built before fork: the child must not allocate
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  for (char** e = environ; *e; ++e) {
    std::string_view entry{*e};
    auto name = entry.substr(0, entry.find('=') + 1);
    if (std::none_of(env.begin(), env.end(), [&](const auto& s) { return s.starts_with(name); }))
      env.emplace_back(entry);
  }
  std::vector<char*> envp;
  for (auto& e : env)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(out[1], STDERR_FILENO);
    ::close(out[0]);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::promise<int> port;
  auto future = port.get_future();
  drain_ = std::thread{[this, fd = out[0], port = std::move(port)]() mutable {
    const std::string marker = "listening on http://127.0.0.1:";
    // Logged before the API's line, so it is there when the API's is.
    const std::string cluster_marker = "cluster listening on 127.0.0.1:";
    bool found = false;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof(buf))) > 0;) {
      std::lock_guard lock{log_mtx_};
      log_.append(buf, static_cast<std::size_t>(n));
      auto at = log_.find(marker);
      if (!found && at != std::string::npos
          && log_.find(' ', at + marker.size()) != std::string::npos) {
        found = true;
        if (auto c = log_.find(cluster_marker); c != std::string::npos)
          cluster_port_ = std::stoi(log_.substr(c + cluster_marker.size()));
        port.set_value(std::stoi(log_.substr(at + marker.size())));
      }
      if (log_.size() > 256 * 1024) // keep the tail: what led to a failure
        log_.erase(0, log_.size() - 128 * 1024);
      log_grew_.notify_all();
    }
    if (!found)
      port.set_value(0);
    ::close(fd);
  }};
  if (future.wait_for(std::chrono::seconds{10}) == std::future_status::ready)
    port_ = future.get();
  EXPECT_GT(port_, 0) << "provisiond did not report its port";
}

daemon_process::~daemon_process() {
  std::string died;
  if (pid_ > 0) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_)
      died = "provisiond exited early with status " + std::to_string(status) + "\n";
    else
      ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  drain_.join(); // the pipe closes with the process
  if (::testing::Test::HasFailure() || !died.empty())
    ADD_FAILURE() << died << "provisiond's log:\n" << log_;
}

bool daemon_process::wait_for_log(const std::string& text, std::chrono::milliseconds deadline) {
  std::unique_lock lock{log_mtx_};
  return log_grew_.wait_for(lock, deadline,
                            [&] { return log_.find(text) != std::string::npos; });
}

std::pair<int, std::chrono::milliseconds> daemon_process::stop(int sig) {
  auto start = std::chrono::steady_clock::now();
  ::kill(pid_, sig);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1,
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now()
                                                                - start)};
}

} // namespace hive::test
