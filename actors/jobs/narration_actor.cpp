#include "actors/jobs/narration_actor.hpp"

#include "messages/type_ids.hpp"
#include "net/api/event_json.hpp"
#include "net/host/wall_clock.hpp"

#include <caf/event_based_actor.hpp>

#include <spdlog/spdlog.h>

namespace hive {

namespace {

std::shared_ptr<spdlog::logger> narration_log() {
  auto log = spdlog::get("narration");
  return log ? log : spdlog::default_logger();
}

spdlog::level::level_enum log_level(narration_level level) {
  switch (level) {
    case narration_level::error:
      return spdlog::level::err;
    case narration_level::warn:
      return spdlog::level::warn;
    case narration_level::info:
      break;
  }
  return spdlog::level::info;
}

} // namespace

caf::behavior narration_actor(narration_actor_type* self, std::string job_id,
                              std::shared_ptr<job_journal> journal) {
  self->state.job_id = std::move(job_id);
  self->state.journal = std::move(journal);
  return {
      [self](const narration_note& note) {
        auto& st = self->state;
        narration_log()->log(log_level(note.level), "[{}] {}: {}", st.job_id, note.actor,
                             note.human);
        st.journal->append("narration", narration_event_json(st.job_id, note, wall_clock_ms()));
      },
      [self](const progress_report& p) {
        auto& st = self->state;
        st.journal->append_progress(progress_event_json(st.job_id, p), p.bytes, p.total);
      },
      [self](const job_state& s) { self->state.journal->set_state(s.state, wall_clock_ms()); },
      [self](job_outcome& o) -> job_phase {
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
