#pragma once

#include "messages/registry_messages.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace hive {

/// `running`, `queued`, `connecting`, `transferring`, `finalizing`,
/// `cancelling` or `done`.
std::string_view activity_name(actor_activity activity);

/// `{"actors":[...]}`, as `GET /v1/actors` lists them; unknown figures are `null`.
std::string actors_json(const std::vector<actor_row>& actors);

/// `{"actors":[...],"unreachable":["<hive id>",...]}`, as `GET
/// /v1/actors?cluster=1` lists every hive's actors.
std::string cluster_actors_json(const cluster_actor_rows& gathered);

} // namespace hive
