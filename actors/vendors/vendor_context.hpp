#pragma once

#include "actors/vendors/narrator.hpp"
#include "actors/vendors/job_settings.hpp"
#include "actors/vendors/model_ref.hpp"
#include "messages/actor_stats.hpp"
#include "messages/transfer_messages.hpp"
#include "net/http_request.hpp"
#include "net/rate_limit.hpp"

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace hive {

/// Everything a vendor actor needs for its part of one job.
struct vendor_context {
  std::string job_id;
  model_ref ref;
  /// Expected sha256 of the file (lower-case hex) or empty.
  std::string expected_sha256;
  /// Glob patterns a snapshot's files must match (any) and must not match (all).
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  /// The file to fetch, when the supervisor hands out one of the job's files;
  /// empty for the job's first vendor, which works out the files.
  std::optional<file_task> task;
  /// Sent as `Authorization: Bearer` to `token_origin` only; may be empty.
  std::string bearer_token;
  /// The origin (`scheme://host[:port]`) the token belongs to; empty for the
  /// first URL's.
  std::string token_origin;
  /// Explains the source's refusals; empty for the generic `http_status`.
  net::refusal_explainer explain_refusal;
  /// The most a file may be, set by a vendor whose source announces no
  /// sizes; 0 for no limit.
  std::uint64_t max_size = 0;
  /// The caps on bytes per second the job's transfers share: the job's own
  /// and the node's (`settings.max_rate`).
  net::rate_limits rate_limits;
  /// Makes `link` name `target` where a source's cache keeps several names for
  /// one content (the Hub's snapshot pointers); empty when it keeps none.
  std::function<std::error_code(const std::filesystem::path& link,
                                const std::filesystem::path& target)>
      link_file;
  /// The model's folder: its catalog entry, and the files of sources that
  /// have no cache of their own.
  std::filesystem::path dest_dir;
  /// Receives `file_fetched` for each finished file.
  caf::actor supervisor;
  /// Receives `progress_update`s.
  caf::actor tracker;
  /// The job's narration; each vendor sets itself as speaker, and its target.
  narrator voice;
  job_settings settings;
  /// The vendor's figures in the actor registry (its state, transfer rate);
  /// a fresh one per vendor.
  std::shared_ptr<actor_stats> stats;
};

/// Spawns a vendor actor of a job, linked to and monitored by `supervisor`:
/// the job's first vendor (no `ctx.task`), which either fetches the one file
/// its reference names or works out the job's files and sends them to the
/// supervisor as `job_files`; then one per file (`ctx.task` set). Tests
/// substitute their own; production uses `spawn_vendor` (vendor_registry.hpp).
using vendor_factory =
    std::function<caf::actor(caf::event_based_actor* supervisor, const vendor_context& ctx)>;

} // namespace hive
