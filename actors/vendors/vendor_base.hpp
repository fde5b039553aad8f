#pragma once

#include "actors/vendors/model_ref.hpp"

#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace hive {

struct download_spec;
struct vendor_context;

/// Spawns a vendor actor of a job, linked to and monitored by `supervisor`.
using vendor_spawner = caf::actor (*)(caf::event_based_actor* supervisor,
                                      const vendor_context& ctx);

/// What a vendor may leave out. A vendor is a struct `X_vendor` deriving
/// from this one, declared in `actors/vendors/X/X_vendor.hpp` and named once
/// in `vendor_list.hpp`. It declares:
/// - `name`, its reference prefix without the `:`, and `syntax`, how the
///   error for a reference of no known vendor shows its form;
/// - `using settings = X_settings;`, its own node settings;
/// - `parse(text, rest)`, its reference syntax (`rest` follows the prefix),
///   defined in `X_ref.cpp` so that the fuzz target compiles syntax alone;
/// - `start(supervisor, ctx)`, the actor that starts a job: it fetches the
///   one file its reference names, or works out the job's files;
/// and, where it differs from what follows, the members below.
struct vendor_base {
  /// What a request's `include` and `exclude` select files of (a kind of
  /// repository); empty when the vendor refuses them.
  static constexpr std::string_view selects_files_of{};
  /// The actor that fetches each of the job's files; none when the job's
  /// first actor fetches the only one.
  static constexpr vendor_spawner fetch_file = nullptr;
  /// Whether two jobs for one model from one source may run at once: the
  /// vendor's files are fetched over HTTP, whose transfers jobs share
  /// (transfer_board.hpp). A vendor whose job alone writes its files (an
  /// import, a build) refuses the second with `already_downloading`.
  static constexpr bool shares_transfers = false;

  /// Whether a reference without a prefix is this vendor's.
  static bool takes_unprefixed(std::string_view) {
    return false;
  }
  /// What a person calls the model when the reference names no file.
  static std::string display_name(const model_ref& ref);
  /// Refuses a download request before it becomes a job.
  template <class Settings>
  static caf::error check(const download_spec&, const model_ref&, const Settings&) {
    return {};
  }
  /// Where the source is, as two references to one model share it.
  static std::string place(const model_ref& ref) {
    return ref.location;
  }
  /// Releases the files among a deleted model's own that live in the
  /// vendor's shared cache: the links, and what no other model uses.
  static void release(const std::vector<std::filesystem::path>&, std::error_code&) {
  }
};

} // namespace hive
