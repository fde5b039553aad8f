#pragma once

#include <string>

namespace hive::net {

/// The secret in `path` (surrounding white space removed). Throws
/// std::invalid_argument when the file cannot be read, is empty, or can be
/// read by its group or by others: a secret others can read is no secret.
std::string read_token_file(const std::string& path);

/// The API token of a client tool: from `token_file` when given (`--token-file`),
/// else `$PROVISION_TOKEN`, else none ("").
std::string client_token(const std::string& token_file);

} // namespace hive::net
