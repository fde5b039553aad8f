#pragma once

#include "net/api/blobs_api.hpp"
#include "net/http_server.hpp"

#include <caf/actor.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace caf {
class actor_system;
} // namespace caf

namespace hive {
class job_board;
} // namespace hive

namespace hive::net {

/// What the HTTP API talks to.
struct jobs_api_context {
  caf::actor_system* system = nullptr;
  /// Receives operations and cancellations.
  caf::actor router;
  /// Answers the model catalog routes.
  caf::actor catalog;
  /// Answers `GET /v1/actors`.
  caf::actor registry;
  std::shared_ptr<job_board> board;
  /// Answers `GET /v1/cluster` (`list_atom`), and knows the other hives.
  caf::actor cluster;
  /// This hive's `--hive-id`.
  std::string hive_id;
  /// How long a cancellation may take before the API gives up waiting.
  std::chrono::milliseconds cancel_timeout{std::chrono::seconds{30}};
  /// Interval of SSE keep-alive comments, which also detect gone clients.
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds{15}};
  /// `GET /v1/blobs/sha256/<hex>` for other hives; off without a secret.
  blob_service blobs = {};
};

/// The `/v1/...` routes of the rbee hive jobs API, the blobs other hives
/// fetch, and `/health`.
http_handler make_jobs_api(jobs_api_context ctx);

} // namespace hive::net
