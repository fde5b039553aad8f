#include "actors/node/hive_runtime.hpp"
#include "net/host/fd_limit.hpp"
#include "net/host_port.hpp"
#include "tools/provisiond/daemon_options.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <pthread.h>

int main(int argc, char** argv) {
  hive::daemon_options options;
  try {
    options = hive::parse_daemon_options({argv + 1, argv + argc});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "provisiond: %s\n", e.what());
    return 2;
  }
  if (options.help) {
    std::fputs(hive::daemon_usage().c_str(), stdout);
    return 0;
  }
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  spdlog::info("open-files limit {}", hive::net::raise_fd_limit());
  if (!hive::net::is_loopback_host(options.runtime.listen_host) && options.runtime.access.api_token.empty())
    spdlog::warn("listening on {} without --api-token-file: anyone who can reach this address "
                 "can download, import and delete models",
                 options.runtime.listen_host);
  // Every thread inherits this mask, so only sigwait below sees the signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  try {
    hive::hive_runtime runtime{options.runtime};
    spdlog::info("provisiond listening on {} (models in {})", runtime.base_url(),
                 options.runtime.jobs.models_dir.string());
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("received {}, shutting down", received == SIGINT ? "SIGINT" : "SIGTERM");
  } catch (const std::exception& e) {
    spdlog::error("provisiond: {}", e.what());
    return 1;
  }
  spdlog::info("stopped");
  return 0;
}
