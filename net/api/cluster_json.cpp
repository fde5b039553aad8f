#include "net/api/cluster_json.hpp"

#include "net/format/json_writer.hpp"

namespace hive {

std::string_view hive_state_name(hive_state state) {
  return state == hive_state::up ? "up" : "down";
}

std::string cluster_json(std::string_view own_hive_id, const std::vector<hive_status>& hives) {
  json_array items;
  for (const auto& h : hives) {
    json_array models;
    for (const auto& id : h.models)
      models.item(id);
    items.raw(json_object{}
                  .field("hive_id", h.hive_id)
                  .field("api_url", h.api_url)
                  .field("state", hive_state_name(h.state))
                  .raw("models", models.str())
                  .field("jobs_running", h.jobs_running)
                  .field("last_seen_ms", h.last_seen_ms)
                  .str());
  }
  return json_object{}.field("hive_id", own_hive_id).raw("hives", items.str()).str();
}

} // namespace hive
