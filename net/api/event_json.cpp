#include "net/api/event_json.hpp"

#include "net/format/json_writer.hpp"

#include <simdjson.h>

#include <algorithm>

namespace hive {

std::string_view level_name(narration_level level) {
  switch (level) {
    case narration_level::info:
      return "info";
    case narration_level::warn:
      return "warn";
    case narration_level::error:
      return "error";
  }
  return "info";
}

std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

std::string narration_event_json(std::string_view job_id, const narration_note& note,
                                 std::int64_t ts_ms) {
  return json_object{}
      .field("type", "narration")
      .field("job_id", job_id)
      .field("actor", note.actor)
      .field("action", note.action)
      .field("target", note.target)
      .field("human", one_line(note.human))
      .field("level", level_name(note.level))
      .field("ts_ms", ts_ms)
      .str();
}

std::string progress_event_json(std::string_view job_id, const progress_report& report) {
  json_array active;
  for (const auto& name : report.active)
    active.item(name);
  json_object sources;
  for (const auto& s : report.sources)
    sources.field(s.name, s.bytes);
  return json_object{}
      .field("type", "progress")
      .field("job_id", job_id)
      .field("bytes", report.bytes)
      .field("total", report.total)
      .field("percent", report.percent)
      .field("bytes_per_sec", report.bytes_per_sec)
      .field("eta_secs", report.eta_secs)
      .field("file", report.file)
      .raw("active", active.str())
      .field("files_done", std::uint64_t{report.files_done})
      .field("files_total", std::uint64_t{report.files_total})
      .field("connections", std::uint64_t{report.connections})
      .field("max_rate", report.max_rate)
      .raw("sources", sources.str())
      .str();
}

std::string data_event_json(std::string_view action, std::string_view payload) {
  return json_object{}.field("type", "data").field("action", action).raw("payload", payload).str();
}

std::string with_hive_id(std::string_view data, std::string_view hive_id) {
  if (data.size() < 2 || data.front() != '{' || data.back() != '}')
    return std::string{data};
  auto field = json_object{}.field("hive_id", hive_id).str(); // {"hive_id":"..."}
  std::string out{data.substr(0, data.size() - 1)};
  if (data.size() > 2)
    out += ',';
  out.append(field, 1);
  return out;
}

std::string terminal_data(job_phase state, std::string_view code, std::string_view message) {
  if (state == job_phase::completed)
    return "[DONE]";
  if (state == job_phase::cancelled)
    return "[CANCELLED]";
  return one_line("[ERROR] " + std::string{code} + ": " + std::string{message});
}

std::string narration_human(std::string_view json) {
  simdjson::dom::parser parser;
  std::string_view human;
  if (parser.parse(json.data(), json.size())["human"].get(human) != simdjson::SUCCESS)
    return {};
  return std::string{human};
}

progress_figures read_progress_event(std::string_view json) {
  progress_figures f;
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(json.data(), json.size()).get(obj) != simdjson::SUCCESS)
    return f;
  auto read = [&obj](std::string_view key, auto& out) {
    if (obj[key].get(out) != simdjson::SUCCESS)
      return; // absent or of another type: the default stays
  };
  read("bytes", f.bytes);
  read("total", f.total);
  read("percent", f.percent);
  read("bytes_per_sec", f.bytes_per_sec);
  read("eta_secs", f.eta_secs);
  read("connections", f.connections);
  read("max_rate", f.max_rate);
  return f;
}

std::optional<data_event_view> read_data_event(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  std::string_view action;
  simdjson::dom::element payload;
  if (parser.parse(json.data(), json.size()).get(obj) != simdjson::SUCCESS
      || obj["action"].get(action) != simdjson::SUCCESS
      || obj["payload"].get(payload) != simdjson::SUCCESS)
    return std::nullopt;
  return data_event_view{std::string{action}, simdjson::to_string(payload)};
}

} // namespace hive
