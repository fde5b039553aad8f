#include "actors/jobs/narration_actor.hpp"

#include "net/format/json_writer.hpp"
#include "messages/type_ids.hpp"

#include <caf/event_based_actor.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace hive {

namespace {

/// SSE data is one line: a message must not break the frame.
std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

std::shared_ptr<spdlog::logger> narration_log() {
  auto log = spdlog::get("narration");
  return log ? log : spdlog::default_logger();
}

} // namespace

std::string terminal_data(const std::string& state, const std::string& code,
                          const std::string& message) {
  if (state == "completed")
    return "[DONE]";
  if (state == "cancelled")
    return "[CANCELLED]";
  return one_line("[ERROR] " + code + ": " + message);
}

caf::behavior narration_actor(narration_actor_type* self, std::string job_id,
                              std::shared_ptr<job_journal> journal) {
  self->state.job_id = std::move(job_id);
  self->state.journal = std::move(journal);
  return {
      [self](narration_note& note) {
        auto& st = self->state;
        auto ts = wall_clock_ms();
        narration_log()->log(note.level == "error"  ? spdlog::level::err
                             : note.level == "warn" ? spdlog::level::warn
                                                    : spdlog::level::info,
                             "[{}] {}: {}", st.job_id, note.actor, note.human);
        st.journal->append("narration", json_object{}
                                            .field("type", "narration")
                                            .field("job_id", st.job_id)
                                            .field("actor", note.actor)
                                            .field("action", note.action)
                                            .field("target", note.target)
                                            .field("human", one_line(note.human))
                                            .field("level", note.level)
                                            .field("ts_ms", ts)
                                            .str());
      },
      [self](progress_report& p) {
        auto& st = self->state;
        json_array active;
        for (const auto& name : p.active)
          active.item(name);
        st.journal->append_progress(json_object{}
                                        .field("type", "progress")
                                        .field("job_id", st.job_id)
                                        .field("bytes", p.bytes)
                                        .field("total", p.total)
                                        .field("percent", p.percent)
                                        .field("bytes_per_sec", p.bytes_per_sec)
                                        .field("eta_secs", p.eta_secs)
                                        .field("file", p.file)
                                        .raw("active", active.str())
                                        .field("files_done", std::uint64_t{p.files_done})
                                        .field("files_total", std::uint64_t{p.files_total})
                                        .str(),
                                    p.bytes, p.total);
      },
      [self](job_state& s) { self->state.journal->set_state(std::move(s.state), wall_clock_ms()); },
      [self](job_outcome& o) -> std::string {
        auto data = terminal_data(o.state, o.error_code, o.error_message);
        self->state.journal->finish(o.state, o.error_code, one_line(o.error_message), data,
                                    wall_clock_ms());
        narration_log()->info("[{}] job ended: {}", self->state.job_id, data);
        self->quit();
        return o.state; // the journal is final: whoever asked may now say so
      },
  };
}

} // namespace hive
