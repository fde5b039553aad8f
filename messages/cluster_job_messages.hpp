#pragma once

#include "messages/job_messages.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hive {

// Messages between hives about a job one hive runs for another: the serving
// hive's job gateway sends them to the requesting hive's job relay. They cross
// the network, so each is in the type-ID block (messages/type_ids.hpp).

/// One event of a forwarded job's journal, as the serving hive recorded it.
struct relayed_event {
  /// The SSE `event:` name: `narration`, `progress`, `data` or `end`.
  std::string name;
  /// The single `data:` line, unchanged.
  std::string data;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relayed_event& x) {
  return f(caf::meta::type_name("relayed_event"), x.name, x.data);
}

/// What a gateway sends a relay each time the forwarded job's journal grew:
/// the new events in order (at most a stream slice of them), then the job's
/// summary figures as they stand after them.
struct relayed_batch {
  /// The job's id on the hive that runs it.
  std::string job_id;
  std::vector<relayed_event> events;
  job_phase state = job_phase::queued;
  std::uint64_t bytes = 0;
  std::uint64_t total = 0;
  /// Set with `failed`: the remote job's error.
  std::string error_code;
  std::string error_message;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relayed_batch& x) {
  return f(caf::meta::type_name("relayed_batch"), x.job_id, x.events, x.state, x.bytes, x.total,
           x.error_code, x.error_message);
}

} // namespace hive
