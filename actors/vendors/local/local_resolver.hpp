#pragma once

#include "actors/vendors/resolver_actor.hpp"

namespace hive {

/// The first vendor of a `local:` job: lists the file or the folder's files
/// (see `list_local_files`) on the disk pool and plans one import task each,
/// which `file_import` actors carry out. Runs as `resolver_actor<local_resolver>`.
struct local_resolver {
  static inline const char* name = "local_resolver";
  static boost::asio::awaitable<caf::expected<job_files>> plan(vendor_context ctx);
};

} // namespace hive
