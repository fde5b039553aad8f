#include "net/api/event_text.hpp"

#include "net/api/event_json.hpp"
#include "net/api/model_json.hpp"
#include "net/format/human_units.hpp"

#include <utility>

namespace hive {

namespace {

/// One SSE frame of one line; "" for blank text, which rbee's clients skip.
std::string data_frame(std::string text) {
  if (text.empty())
    return {};
  return "data: " + one_line(std::move(text)) + "\n\n";
}

std::string model_line(const model_record& m) {
  return m.id + "  " + format_bytes(m.total_size) + "  " + m.source;
}

/// A catalog operation's answer: one line per model, or what was deleted.
std::string catalog_frames(std::string_view json) {
  auto event = read_data_event(json);
  if (!event)
    return {};
  if (event->action == "model_list") {
    auto models = parse_models_json(event->payload);
    if (!models || models->empty())
      return data_frame("no models");
    std::string out;
    for (const auto& m : *models)
      out += data_frame(model_line(m));
    return out;
  }
  auto model = parse_model_json(event->payload);
  if (!model)
    return {};
  if (event->action == "model_delete")
    return data_frame("deleted " + model->id);
  return data_frame(model_line(*model));
}

} // namespace

event_text::event_text(clock::duration progress_interval) : interval_(progress_interval) {
}

std::string event_text::frames(const journal_event& e, clock::time_point now) {
  if (e.name == "narration")
    return data_frame(narration_human(e.data));
  if (e.name == "progress")
    return progress_frames(progress_line(read_progress_event(e.data)), now);
  if (e.name == "data")
    return catalog_frames(e.data);
  if (e.name == "end") {
    held_.clear();
    return data_frame(e.data);
  }
  return {};
}

std::string event_text::progress_frames(std::string line, clock::time_point now) {
  if (last_progress_ && now - *last_progress_ < interval_) {
    held_ = std::move(line);
    return {};
  }
  last_progress_ = now;
  held_.clear();
  return data_frame(std::move(line));
}

std::string event_text::due_frames(clock::time_point now) {
  auto at = due();
  if (!at || now < *at)
    return {};
  return progress_frames(std::exchange(held_, {}), now);
}

std::optional<event_text::clock::time_point> event_text::due() const {
  if (held_.empty())
    return std::nullopt;
  return *last_progress_ + interval_;
}

} // namespace hive
