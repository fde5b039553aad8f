#include "tests/support/test_certificates.hpp"

#include "tests/support/daemon_process.hpp"

#include <gtest/gtest.h>

namespace hive::test {

namespace {

/// An EC key on P-256: quick to make, and what CAF's cipher list accepts.
const std::string new_key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

} // namespace

void make_test_ca(const std::filesystem::path& dir, const std::string& name) {
  auto [code, out] =
      run("(cd " + dir.string() + " && openssl req -x509 " + new_key + " -days 1 -subj /CN=" + name
          + "-ca -keyout " + name + "-ca.key -out " + name + "-ca.pem)");
  EXPECT_EQ(code, 0) << out;
}

std::vector<std::string> make_test_cert(const std::filesystem::path& dir, const std::string& hive,
                                        const std::string& ca) {
  auto [code, out] =
      run("(cd " + dir.string() + " && openssl req " + new_key + " -subj /CN=" + hive + " -keyout "
          + hive + ".key -out " + hive + ".csr && openssl x509 -req -days 1 -in " + hive
          + ".csr -CA " + ca + "-ca.pem -CAkey " + ca + "-ca.key -CAcreateserial -out " + hive
          + ".pem && chmod 600 " + hive + ".key)");
  EXPECT_EQ(code, 0) << out;
  return {"--cluster-cert", (dir / (hive + ".pem")).string(),
          "--cluster-key",  (dir / (hive + ".key")).string(),
          "--cluster-ca",   (dir / (ca + "-ca.pem")).string()};
}

} // namespace hive::test
