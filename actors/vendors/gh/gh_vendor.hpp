#pragma once

#include "actors/vendors/vendor_base.hpp"

#include <string>

namespace hive {

struct gh_settings {
  /// GitHub's REST API (or an Enterprise server's), without a trailing slash.
  std::string api = "https://api.github.com";
  /// Sent to the GitHub API as `Authorization: Bearer` (never to where it
  /// redirects asset downloads); may be empty.
  std::string token;
};

/// `gh:owner/repo[@tag]:asset` (a GitHub release asset; the tag `latest` by
/// default): `repo`, the tag in `revision`, the asset name or glob in
/// `path`. A glob's `file_name` is empty: the release decides it.
struct gh_vendor : vendor_base {
  static constexpr std::string_view name = "gh";
  static constexpr std::string_view syntax = "gh:owner/repo@tag:asset";
  using settings = gh_settings;
  static constexpr bool shares_transfers = true;

  static caf::expected<model_ref> parse(std::string_view text, std::string_view rest);
  static caf::actor start(caf::event_based_actor* supervisor, const vendor_context& ctx);
  static caf::actor fetch_file(caf::event_based_actor* supervisor, const vendor_context& ctx);
};

} // namespace hive
