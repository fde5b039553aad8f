#pragma once

#include "actors/vendors/vendor_base.hpp"

#include <filesystem>
#include <vector>

namespace hive {

struct local_settings {
  /// The folders `local:` may import from (`--import-root`); none turns
  /// `local:` off. See import_roots.hpp.
  std::vector<std::filesystem::path> import_roots;
};

/// `local:/absolute/path` (a file or a folder on this node): `location` is
/// the path; a file's `file_name` is its name.
struct local_vendor : vendor_base {
  static constexpr std::string_view name = "local";
  static constexpr std::string_view syntax = "local:/path";
  using settings = local_settings;

  static caf::expected<model_ref> parse(std::string_view text, std::string_view rest);
  static caf::actor start(caf::event_based_actor* supervisor, const vendor_context& ctx);
  /// Imports each file (link, reflink or copy).
  static caf::actor fetch_file(caf::event_based_actor* supervisor, const vendor_context& ctx);
  /// The path must lie below an import root.
  static caf::error check(const download_spec&, const model_ref& ref, const settings& s);
};

} // namespace hive
