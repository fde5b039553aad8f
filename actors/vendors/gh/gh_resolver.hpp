#pragma once

#include "actors/vendors/resolver_actor.hpp"

namespace hive {

/// The first vendor of a GitHub release job: asks the API for the release
/// (a tag, or `latest`), picks the one asset the reference names (a name or
/// a glob), and plans one task: the asset's API URL with
/// `Accept: application/octet-stream`, its size and sha256, stored as
/// `<dest_dir>/<asset name>`. Runs as `resolver_actor<gh_resolver>`.
struct gh_resolver {
  static inline const char* name = "gh_resolver";
  static boost::asio::awaitable<caf::expected<job_files>> plan(vendor_context ctx);
};

} // namespace hive
