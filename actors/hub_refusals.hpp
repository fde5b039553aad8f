#pragma once

#include <caf/error.hpp>

#include <optional>
#include <string>

namespace hive {

/// What the Hugging Face Hub means by a refusal: its `X-Error-Code` header
/// (`RepoNotFound`, `GatedRepo`, `EntryNotFound`, `RevisionNotFound`) or a
/// 401/403, as an error a person can act on. `detail` (the request and the
/// status) is appended. nullopt for anything else.
std::optional<caf::error> explain_hub_refusal(unsigned status, const std::string& error_code,
                                              const std::string& detail);

} // namespace hive
