#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hive::test {

/// A CA for cluster tests, made with the openssl CLI into `dir`:
/// `<name>-ca.pem` and its key. Fails the test if openssl does.
void make_test_ca(const std::filesystem::path& dir, const std::string& name);

/// A certificate for `hive` signed by the CA `ca` of `make_test_ca` (its key
/// mode 600); answers `--cluster-cert FILE --cluster-key FILE --cluster-ca FILE`.
std::vector<std::string> make_test_cert(const std::filesystem::path& dir, const std::string& hive,
                                        const std::string& ca);

} // namespace hive::test
