#pragma once

// GitHub's answer about one release, read without any I/O.

#include "actors/vendors/gh/gh_releases_api.hpp"

#include <caf/expected.hpp>

#include <string>
#include <string_view>

namespace hive::gh {

/// The body of `GET /repos/{repo}/releases/...`: its tag, publication date
/// and assets; `what` names the request in errors.
caf::expected<release> parse_release(std::string_view body, const std::string& what);

} // namespace hive::gh
