#pragma once

#include "actors/vendors/resolver_actor.hpp"

namespace hive {

/// The first vendor of an Ollama job: fetches the model's manifest from the
/// registry (answering its bearer-token challenge), and plans one task per
/// blob the store lacks (fetched and verified against its digest by sibling
/// HTTP file workers), the blobs already there, and the manifest, written
/// last once every blob is verified. Runs as `resolver_actor<ollama_resolver>`.
struct ollama_resolver {
  static inline const char* name = "ollama_resolver";
  static boost::asio::awaitable<caf::expected<job_files>> plan(vendor_context ctx);
};

} // namespace hive
