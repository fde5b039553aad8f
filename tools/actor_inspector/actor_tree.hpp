#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hive::inspector {

/// One actor of a `GET /v1/actors` snapshot; `null` figures are empty.
struct actor_row {
  /// The hive it runs on.
  std::string hive_id;
  std::uint64_t id = 0;
  std::uint64_t parent = 0;
  std::string name;
  std::string kind;
  std::string job_id;
  std::string state;
  std::int64_t uptime_ms = 0;
  std::optional<std::uint64_t> messages;
  std::optional<std::uint64_t> mailbox;
  std::optional<std::uint64_t> bytes_per_sec;
};

/// The actors of a `GET /v1/actors` body; empty when it is not one. Fields
/// an older provisiond does not send stay empty.
std::optional<std::vector<actor_row>> parse_snapshot(std::string_view json);

/// What changed between two snapshots.
struct snapshot_diff {
  /// Ids in the new snapshot that the previous one did not have.
  std::vector<std::uint64_t> appeared;
  /// Actors of the previous snapshot that are gone.
  std::vector<actor_row> gone;
};

snapshot_diff compare(const std::vector<actor_row>& before, const std::vector<actor_row>& now);

/// A table of `now` as a tree (each actor under its parent, by id), with
/// gone actors drawn where they were; the first column marks appeared
/// actors `+` and gone ones `-`.
std::string render_tree(const std::vector<actor_row>& now, const snapshot_diff& diff);

/// The hives a `GET /v1/actors?cluster=1` body names `unreachable`; empty
/// for a body without them.
std::vector<std::string> parse_unreachable(std::string_view json);

/// Every hive's tree under a heading of its own (`hive <id>  (N actors)`),
/// the hives in the order `now` lists them (the hive asked first), then
/// those only `before` had; with `mark`, actors that appeared or are gone
/// since `before` are marked as `render_tree` marks them, hive by hive
/// (actor ids are unique within a hive only). A last line names the
/// unreachable hives, if any.
std::string render_cluster(const std::vector<actor_row>& now, const std::vector<actor_row>& before,
                           bool mark, const std::vector<std::string>& unreachable);

} // namespace hive::inspector
