#pragma once

#include "net/failure.hpp"

#include <map>
#include <optional>
#include <string>

namespace hive {

/// What GitHub means by a refusal, as an error a person can act on: a 403 or
/// 429 with `X-RateLimit-Remaining: 0` is `rate_limited` until
/// `X-RateLimit-Reset`; one with `Retry-After` (the secondary limit, still
/// there after the retries) is `rate_limited` too; other 401/403 are
/// `unauthorized`, a 404 `entry_not_found`. `headers` are the answer's by
/// lower-case name; `detail` (the request and the status) is appended.
/// nullopt for anything else.
std::optional<net::failure>
explain_github_refusal(unsigned status, const std::map<std::string, std::string>& headers,
                       const std::string& detail);

} // namespace hive
