#include "net/api/actor_json.hpp"

#include "net/format/json_writer.hpp"

namespace hive {

namespace {

/// A figure that may be unknown (negative): a number or `null`.
void known_or_null(json_object& obj, std::string_view key, std::int64_t value) {
  if (value < 0)
    obj.raw(key, "null");
  else
    obj.field(key, value);
}

std::string actor_json(const actor_row& a) {
  json_object obj;
  obj.field("id", a.id)
      .field("hive_id", a.hive_id)
      .field("name", a.name)
      .field("kind", a.kind)
      .field("job_id", a.job_id)
      .field("parent", a.parent)
      .field("uptime_ms", a.uptime_ms)
      .field("started_ms", a.started_ms)
      .field("state", activity_name(a.state));
  known_or_null(obj, "messages", a.messages);
  known_or_null(obj, "mailbox", a.mailbox);
  known_or_null(obj, "bytes_per_sec", a.bytes_per_sec);
  return obj.str();
}

std::string actor_items(const std::vector<actor_row>& actors) {
  json_array items;
  for (const auto& a : actors)
    items.raw(actor_json(a));
  return items.str();
}

} // namespace

std::string_view activity_name(actor_activity activity) {
  switch (activity) {
    case actor_activity::running:
      return "running";
    case actor_activity::queued:
      return "queued";
    case actor_activity::connecting:
      return "connecting";
    case actor_activity::transferring:
      return "transferring";
    case actor_activity::finalizing:
      return "finalizing";
    case actor_activity::cancelling:
      return "cancelling";
    case actor_activity::done:
      return "done";
  }
  return "running";
}

std::string actors_json(const std::vector<actor_row>& actors) {
  return json_object{}.raw("actors", actor_items(actors)).str();
}

std::string cluster_actors_json(const cluster_actor_rows& gathered) {
  json_array unreachable;
  for (const auto& id : gathered.unreachable)
    unreachable.item(id);
  return json_object{}
      .raw("actors", actor_items(gathered.actors))
      .raw("unreachable", unreachable.str())
      .str();
}

} // namespace hive
