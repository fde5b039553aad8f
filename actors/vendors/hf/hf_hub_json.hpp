#pragma once

// What the Hub's API answers, read without any I/O: the revision of a
// repository, pages of its tree listing and the Link header between them.

#include "actors/vendors/hf/hf_hub_api.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace hive::hf {

/// An answer that is not what a Hub sends: `http_status`, naming `what` and
/// asking whether HF_ENDPOINT is a Hub.
caf::error not_a_hub(const std::string& what, const std::string& why);

/// The body of `GET /api/models/{repo}/revision/{revision}`: its `sha` and
/// the `rfilename` of its `siblings`.
caf::expected<revision_info> parse_revision(std::string_view body, const std::string& what);

/// Appends the files of one page of `GET /api/models/{repo}/tree/...` to
/// `out` (folders are skipped); `what` names the page in errors.
caf::error add_tree_page(std::string_view body, const std::string& what,
                         std::vector<tree_file>& out);

/// The `rel="next"` target of a Link header, or "".
std::string next_link(std::string_view link);

} // namespace hive::hf
