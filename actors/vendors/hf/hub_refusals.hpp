#pragma once

#include "net/failure.hpp"

#include <map>
#include <optional>
#include <string>

namespace hive {

/// What the Hugging Face Hub means by a refusal: its `X-Error-Code` header
/// (`RepoNotFound`, `GatedRepo`, `EntryNotFound`, `RevisionNotFound`) or a
/// 401/403, as an error a person can act on. `headers` are the answer's by
/// lower-case name; `detail` (the request and the status) is appended.
/// nullopt for anything else.
std::optional<net::failure> explain_hub_refusal(unsigned status,
                                                const std::map<std::string, std::string>& headers,
                                                const std::string& detail);

} // namespace hive
