#pragma once

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hive {

/// Whether a hive can be reached over the cluster link. The numbers are
/// stable: the value crosses the network (as its underlying type).
enum class hive_state : std::uint8_t {
  /// Its cluster actor is linked and monitored.
  up = 0,
  /// Known, but its link is gone (a down message) or not made yet.
  down = 1,
};

/// One hive as `GET /v1/cluster` shows it.
struct hive_status {
  /// Its `--hive-id`.
  std::string hive_id;
  /// Its HTTP API base URL as other hives reach it, e.g. `http://10.0.0.3:7835`.
  std::string api_url;
  hive_state state = hive_state::down;
  /// The catalog ids of its models.
  std::vector<std::string> models;
  /// Its jobs running now (not queued).
  std::uint64_t jobs_running = 0;
  /// Epoch ms of the last message from it (for this hive itself: now).
  std::int64_t last_seen_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hive_status& x) {
  return f(caf::meta::type_name("hive_status"), x.hive_id, x.api_url, x.state, x.models,
           x.jobs_running, x.last_seen_ms);
}

/// Whether an operation addressed to `hive_id` runs on the hive named `own`:
/// its own name, `localhost` and an empty id do (rbee's conventions). Callers
/// check this before asking the cluster actor (`lookup_atom`), which knows
/// hives by name only.
inline bool runs_here(std::string_view hive_id, std::string_view own) {
  return hive_id.empty() || hive_id == "localhost" || hive_id == own;
}

} // namespace hive
