#pragma once

#include "actors/vendors/file_worker.hpp"

#include <caf/stateful_actor.hpp>

namespace hive {

/// Downloads one file from an http(s) URL for every source that fetches over
/// HTTP (`url:`, and the files the Hub, GitHub and Ollama resolvers plan), as
/// an Asio coroutine that reports progress straight to the tracker. A failure,
/// explained by the source (`ctx.explain_refusal`), keeps the partial file
/// for a later resume.
struct http_file_state : file_worker {
  /// The name the inspector, the API and their tests have always shown.
  static inline const char* name = "url_vendor";
  bool resumes() const override;
  caf::expected<std::function<void()>> start(shared_transfer& transfer) const override;
  net::fetch_observer observer() const override;
  void landed(const transfer_result& r) const override;
  caf::error failed(const transfer_result& r) const override;
};

using http_file_actor_type = caf::stateful_actor<http_file_state>;

/// Fetches `ctx.task`, or the one file of a reference that names it directly.
caf::behavior http_file_actor(http_file_actor_type* self, vendor_context ctx);

/// The task of a reference that names its file directly (`url:`): stored as
/// `<dest_dir>/<file_name>`, checked against the expected sha256 if any.
file_task direct_task(const vendor_context& ctx);

} // namespace hive
