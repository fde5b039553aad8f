#pragma once

#include "messages/cluster_messages.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace hive {

/// `up` or `down`.
std::string_view hive_state_name(hive_state state);

/// `{"hive_id":"<self>","hives":[{"hive_id","api_url","state","models":[...],
/// "jobs_running","last_seen_ms"}]}`, as `GET /v1/cluster` answers.
std::string cluster_json(std::string_view own_hive_id, const std::vector<hive_status>& hives);

} // namespace hive
