#pragma once

#include <string>

namespace hive::net {

/// The secret kept in `path` (a token), without surrounding white space. The
/// file must be a regular file that neither its group nor others may read or
/// write: a secret anyone on the node can read is no secret. Throws
/// std::invalid_argument starting with `path` and saying what is wrong.
std::string read_token_file(const std::string& path);

/// The API token of a client tool: from `token_file` when given (`--token-file`),
/// else `$PROVISION_TOKEN`, else none ("").
std::string client_token(const std::string& token_file);

} // namespace hive::net
