#pragma once

#include "actors/cluster/cluster_model_list.hpp"
#include "actors/jobs/job_router_actor.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/result.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace hive {

// The router's part in jobs that other hives run: forwarding a download to
// the hive its `hive_id` names, and keeping the relay that stands for it here.

/// How long the router waits for a relay's cancel: the relay's own wait for
/// the other hive (`relay_plan::cancel_timeout`) and a margin, below the API's.
constexpr auto relayed_cancel_wait = std::chrono::seconds{25};

/// Forwards `spec` to the hive it names as job `job_id`: looks the hive up
/// through the cluster actor, spawns the job's relay and answers `job_id`
/// once the other hive accepted the job (only then is it on the job board),
/// else the lookup's error (`unknown_hive`, `hive_unavailable`) or the other
/// hive's refusal.
caf::result<std::string> forward_download(job_router_actor_type* self, download_spec& spec,
                                          std::string job_id);

/// Changes a relayed job's own cap on the hive that runs it.
caf::result<std::uint64_t> change_relayed_max_rate(job_router_actor_type* self,
                                                   const caf::actor& relay, std::uint64_t rate);

/// Handles a relay's down message: a relay that died before its job's end
/// fails the job. False when `msg` is not about a relay.
bool forget_relay(job_router_actor_type* self, const caf::down_msg& msg);

/// Adds a narration to a cluster `model_list` job about a hive that did not answer.
void narrate_unanswered(job_journal& journal, const std::string& job_id,
                        const catalog_failure& miss);

} // namespace hive
