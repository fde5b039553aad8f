#pragma once

#include "actors/vendors/vendor_context.hpp"
#include "messages/type_ids.hpp"
#include "net/api/actor_json.hpp"
#include "net/api/job_journal.hpp"
#include "net/api/job_json.hpp"
#include "net/api/model_json.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hive::test {

// -- probes -------------------------------------------------------------------

/// Everything a probe actor received, by type.
struct inbox {
  std::vector<narration_note> notes;
  std::vector<progress_report> reports;
  std::vector<job_state> states;
  std::vector<job_outcome> outcomes;
};

/// The answer to one request, once it came.
struct reply {
  std::optional<std::string> value;
  caf::error error;
};

/// What scripted vendors do, and what happened to them.
struct vendor_script {
  /// How a vendor ends on `finish_atom`: quits with this error, or (when
  /// none) moves its `.part` into place, sends `file_fetched` and quits.
  caf::error fail_with;
  /// When set, the job's first vendor is a resolver: on `finish_atom` it
  /// answers these files and quits; the others fetch one task each.
  std::optional<job_files> files;
  /// Filled in as the test runs, one entry per spawned vendor.
  std::vector<caf::actor> vendors;
  std::vector<std::string> job_ids;
  /// The caps each vendor's transfers were given.
  std::vector<net::rate_limits> rate_limits;
  std::vector<std::filesystem::path> part_files;
  std::vector<caf::error> exit_reasons;
};

/// A factory whose vendors write their task's real `.part` file at spawn,
/// then wait: for `finish_atom`, or for an exit message, which they record; a
/// cancel deletes the `.part` file, as the URL vendor does.
vendor_factory scripted_vendors(std::shared_ptr<vendor_script> script);

// -- the actor registry ---------------------------------------------------------

/// One actor as the registry lists it (`GET /v1/actors`); figures that are
/// `null` there are empty here.
struct listed_actor {
  std::uint64_t id = 0;
  std::string name;
  std::string kind;
  std::string job_id;
  std::uint64_t parent = 0;
  std::string state;
  std::int64_t uptime_ms = -1;
  std::int64_t started_ms = -1;
  std::optional<std::uint64_t> messages;
  std::optional<std::uint64_t> mailbox;
  std::optional<std::uint64_t> bytes_per_sec;
};

/// Parses the registry's answer to `list_atom`.
std::vector<listed_actor> parse_actor_list(const std::string& json);

/// The listed actors of `kind`.
std::vector<listed_actor> of_kind(const std::vector<listed_actor>& actors, std::string_view kind);

/// An actor's answer as the API shows it.
inline std::string as_text(std::string& text) {
  return std::move(text);
}
inline std::string as_text(std::uint64_t number) {
  return std::to_string(number);
}
inline std::string as_text(job_phase state) {
  return std::string{state_name(state)};
}
inline std::string as_text(const model_record& record) {
  return model_json(record);
}
inline std::string as_text(const std::vector<actor_row>& actors) {
  return actors_json(actors);
}

// -- fixture ------------------------------------------------------------------

/// An actor system on CAF's deterministic scheduler: nothing runs until the
/// test calls `sched.run()`, and time moves only with `sched.advance_time()`.
class actor_fixture : public ::testing::Test {
protected:
  actor_fixture();
  ~actor_fixture() override;

  /// Spawns an actor that the fixture kills when the test ends, so that the
  /// system's destructor does not wait for it (or spin on its timers).
  template <class... Ts>
  caf::actor spawn(Ts&&... xs) {
    caf::actor handle = sys.spawn(std::forward<Ts>(xs)...);
    roots_.push_back(handle);
    return handle;
  }

  /// Makes `handle` one of the actors killed when the test ends.
  caf::actor adopt(caf::actor handle) {
    roots_.push_back(handle);
    return handle;
  }

  /// What `registry` lists now (runs the scheduler).
  std::vector<listed_actor> list_actors(const caf::actor& registry);

  /// A probe that records what it receives into the returned inbox.
  std::pair<caf::actor, std::shared_ptr<inbox>> spawn_probe();

  /// Sends `xs` as a request to `dest` from a throw-away actor; the reply
  /// (an `Answer`, as the API shows it, or an error) lands in the result
  /// after `sched.run()`.
  template <class Answer = std::string, class... Ts>
  std::shared_ptr<reply> ask(const caf::actor& dest, Ts... xs) {
    auto out = std::make_shared<reply>();
    spawn([dest, out, xs...](caf::event_based_actor* self) {
      self->request(dest, caf::infinite, xs...)
          .then([out](Answer& value) { out->value = as_text(value); },
                [out](caf::error& err) { out->error = std::move(err); });
    });
    return out;
  }

  /// Files (recursively) under `dir` whose name ends in `suffix`.
  static std::vector<std::filesystem::path> files_ending(const std::filesystem::path& dir,
                                                         const std::string& suffix);

  /// The journal's last event, or an empty one.
  static journal_event last_event(const job_journal& journal);

  struct config : caf::actor_system_config {
    config();
  };

  /// Removed when the test ends.
  std::filesystem::path temp_dir;
  config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;

private:
  std::vector<caf::actor> roots_;
};

} // namespace hive::test
