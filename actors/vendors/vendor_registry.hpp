#pragma once

// The vendor registry: one row per vendor of `all_vendors`, so that the
// router, supervisor and catalog reach any vendor without naming one.

#include "actors/vendors/vendor_context.hpp"

#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace hive {

struct download_spec;

/// Spawns the vendor actor for `ctx`: the row's job starter, or its file
/// fetcher when `ctx.task` is set (production's `vendor_factory`).
caf::actor spawn_vendor(caf::event_based_actor* supervisor, const vendor_context& ctx);

/// Refuses what `ref`'s vendor refuses of a download request: `include` and
/// `exclude` where it selects no files, and its own `check`.
caf::error check_download(const download_spec& spec, const model_ref& ref,
                          const job_settings& settings);

/// Where `ref`'s source is, as its vendor compares two references.
std::string source_place(const model_ref& ref);

/// Whether two jobs for `ref` share their transfers, so that the second
/// need not be refused (vendor_base::shares_transfers).
bool shares_transfers(const model_ref& ref);

/// Releases the files among `files` that live in a vendor's shared cache;
/// stops at the first error.
void release_shared_files(const std::vector<std::filesystem::path>& files, std::error_code& ec);

} // namespace hive
