#pragma once

#include <string>

namespace hive::net {

/// Loads a node's TLS identity as the cluster link will (a PEM certificate
/// chain, its private key, the CA bundle that peers' certificates must chain
/// to) and throws std::invalid_argument naming the option and file at fault,
/// also when the key's group or others may read it.
/// The link loads them only when its first connection opens, on CAF's network
/// thread, where a bad file would end the process instead of stopping start-up.
void check_tls_identity(const std::string& cert, const std::string& key, const std::string& ca);

} // namespace hive::net
