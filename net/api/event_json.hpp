#pragma once

#include "messages/job_messages.hpp"
#include "messages/transfer_messages.hpp"
#include "net/format/progress_line.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hive {

/// `info`, `warn` or `error`.
std::string_view level_name(narration_level level);

/// `text` with its line breaks turned into spaces: SSE data is one line.
std::string one_line(std::string text);

/// The data of a `narration` event: `note`, stamped with its job and time.
std::string narration_event_json(std::string_view job_id, const narration_note& note,
                                 std::int64_t ts_ms);

/// The data of a `progress` event.
std::string progress_event_json(std::string_view job_id, const progress_report& report);

/// The data of a catalog operation's `data` event; `payload` is JSON.
std::string data_event_json(std::string_view action, std::string_view payload);

/// A JSON event's data with `"hive_id":"<hive_id>"` added as its last field,
/// as a relay passes on another hive's events; data that is not a JSON
/// object (a final marker) as it is.
std::string with_hive_id(std::string_view data, std::string_view hive_id);

/// The data of the `end` event: `[DONE]`, `[CANCELLED]` or `[ERROR] code: message`.
std::string terminal_data(job_phase state, std::string_view code, std::string_view message);

// -- reading events back (the text stream, the `provision` CLI) -------------

/// The `human` text of a `narration` event's data ("" when it has none).
std::string narration_human(std::string_view json);

/// The figures of a `progress` event's data; absent fields stay at their defaults.
progress_figures read_progress_event(std::string_view json);

/// A `data` event's operation and its payload (JSON text).
struct data_event_view {
  std::string action;
  std::string payload;
};
std::optional<data_event_view> read_data_event(std::string_view json);

} // namespace hive
