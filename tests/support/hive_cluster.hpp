#pragma once

#include "tests/support/daemon_process.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hive::test {

/// Hives of a test cluster: real `provisiond` processes on loopback, each
/// with its own API port, cluster port (both port 0, read from its log),
/// models folder under `root/<hive id>/` and hive id. Other cluster tests
/// reuse it: every hive takes extra arguments of its own.
/// Each hive's state ("up", "down") by hive id, as one hive sees them.
using hive_states = std::map<std::string, std::string>;

/// Long enough for any join on a loaded machine; a passing run takes far less.
constexpr std::chrono::milliseconds join_deadline{std::chrono::seconds{30}};

class hive_cluster {
public:
  /// Hives keep their folders under `root`, which the caller owns.
  explicit hive_cluster(std::filesystem::path root);

  /// Starts hive `hive_id` (`--hive-id`, `--models-dir root/<id>/models`,
  /// `--cluster-listen 127.0.0.1:0`, a short status interval) with `args`
  /// after those, e.g. `join("a")` or `--cluster-cert ...`. A hive that ran
  /// before under this id is started again with its folder kept.
  daemon_process& start(const std::string& hive_id, std::vector<std::string> args = {});
  /// Kills the hive with SIGKILL: no goodbye reaches its peers.
  void kill(const std::string& hive_id);

  daemon_process& operator[](const std::string& hive_id) const;
  /// `127.0.0.1:<cluster port>` of a running hive.
  std::string address(const std::string& hive_id) const;
  /// `--cluster-peer <address of hive_id>`.
  std::vector<std::string> join(const std::string& hive_id) const;
  std::filesystem::path models_dir(const std::string& hive_id) const;

  /// Each hive's `state` in `GET /v1/cluster` of `hive_id` ("" when it
  /// gave no answer); the hive itself included.
  std::map<std::string, std::string> states_seen_by(const std::string& hive_id) const;
  /// Polls `states_seen_by(hive_id)` until it equals `want` or `deadline`
  /// passes; answers the last one seen.
  std::map<std::string, std::string> await_states(const std::string& hive_id,
                                                  const std::map<std::string, std::string>& want,
                                                  std::chrono::milliseconds deadline) const;

private:
  std::filesystem::path root_;
  std::map<std::string, std::unique_ptr<daemon_process>> hives_;
};

} // namespace hive::test
