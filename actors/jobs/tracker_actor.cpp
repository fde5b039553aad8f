#include "actors/jobs/tracker_actor.hpp"

#include "actors/vendors/narrator.hpp"
#include "messages/type_ids.hpp"
#include "net/format/human_units.hpp"

#include <caf/event_based_actor.hpp>

#include <algorithm>
#include <cstdio>
#include <utility>

namespace hive {

namespace {

progress_report make_report(tracker_actor_type* self) {
  auto& st = self->state;
  progress_report r;
  r.file = st.last_file;
  for (const auto& [name, f] : st.files) {
    r.bytes += f.bytes;
    r.total += f.total;
    bool done = f.total > 0 && f.bytes >= f.total;
    r.files_done += done ? 1 : 0;
    if (f.bytes > 0 && !done) {
      r.active.push_back(name);
      r.connections += f.connections;
    }
    for (const auto& s : f.sources) {
      auto same = std::find_if(r.sources.begin(), r.sources.end(),
                               [&](const source_bytes& t) { return t.name == s.name; });
      if (same == r.sources.end())
        r.sources.push_back(s);
      else
        same->bytes += s.bytes;
    }
  }
  r.max_rate = net::lowest_rate(st.settings.limits);
  r.files_total = static_cast<std::uint32_t>(st.files.size());
  if (r.total > 0)
    r.percent = 100.0 * static_cast<double>(r.bytes) / static_cast<double>(r.total);
  r.bytes_per_sec = st.rate.bytes_per_sec();
  if (r.total >= r.bytes && r.bytes_per_sec > 0)
    r.eta_secs = static_cast<std::int64_t>((r.total - r.bytes) / r.bytes_per_sec);
  return r;
}

void emit(tracker_actor_type* self) {
  auto& st = self->state;
  st.last_emit = self->clock().now();
  st.dirty = false;
  self->send(st.narration, make_report(self));
}

void record_sample(tracker_actor_type* self) {
  auto& st = self->state;
  std::uint64_t bytes = 0;
  for (const auto& [name, f] : st.files)
    bytes += f.bytes;
  st.rate.add(self->clock().now(), bytes);
}

std::string heartbeat_text(const progress_report& r) {
  if (r.bytes == 0)
    return "still working (no data yet)";
  char percent[16];
  std::snprintf(percent, sizeof(percent), "%.1f%%", r.percent);
  std::string text = "still downloading (";
  if (r.total > 0)
    text += std::string{percent} + ", ";
  text += format_bytes(r.bytes_per_sec) + "/s";
  if (r.eta_secs >= 0)
    text += ", ETA " + format_duration(r.eta_secs);
  return text + ")";
}

} // namespace

caf::behavior tracker_actor(tracker_actor_type* self, caf::actor narration,
                            tracker_settings settings) {
  self->state.narration = std::move(narration);
  self->state.settings = std::move(settings);
  return {
      [self](start_atom) {
        auto& st = self->state;
        if (std::exchange(st.beating, true))
          return;
        self->delayed_send(self, st.settings.heartbeat_interval, heartbeat_atom_v);
      },
      [self](progress_update& u) {
        auto& st = self->state;
        st.files[u.file] = {u.bytes, u.total, u.connections, std::move(u.sources)};
        st.last_file = u.file;
        st.dirty = true;
        record_sample(self);
        auto since = self->clock().now() - st.last_emit;
        bool file_complete = u.total > 0 && u.bytes >= u.total;
        if (file_complete || since >= st.settings.progress_interval) {
          emit(self);
        } else if (!st.flush_pending) {
          st.flush_pending = true;
          self->delayed_send(self, st.settings.progress_interval - since, caf::tick_atom_v);
        }
      },
      [self](caf::tick_atom) {
        self->state.flush_pending = false;
        if (self->state.dirty)
          emit(self);
      },
      [self](heartbeat_atom) {
        auto& st = self->state;
        narrator{st.narration, "tracker", {}}.say("heartbeat", heartbeat_text(make_report(self)));
        self->delayed_send(self, st.settings.heartbeat_interval, heartbeat_atom_v);
      },
      [self](job_outcome& outcome) {
        if (self->state.dirty)
          emit(self);
        auto answer = self->delegate(self->state.narration, std::move(outcome));
        self->quit();
        return answer;
      },
  };
}

} // namespace hive
