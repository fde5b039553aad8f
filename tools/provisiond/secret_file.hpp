#pragma once

#include <string>

namespace hive {

/// The secret kept in `path` (a token), without its trailing line end. The
/// file must be a regular file that neither its group nor others may read:
/// a secret anyone on the node can read is no secret, so the daemon refuses
/// to start (std::invalid_argument naming `option` and the fix).
std::string read_secret_file(const std::string& option, const std::string& path);

} // namespace hive
