#include "net/host/tls_identity.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <memory>
#include <stdexcept>

#include <sys/stat.h>

namespace hive::net {

namespace {

/// OpenSSL's reason for the last failure, e.g. `no such file`.
std::string last_ssl_error() {
  auto code = ERR_get_error();
  ERR_clear_error();
  if (code == 0)
    return "unknown error";
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : "unknown error";
}

[[noreturn]] void refuse(const char* option, const std::string& file, const std::string& what) {
  throw std::invalid_argument(std::string{"--"} + option + " " + file + ": " + what + " ("
                              + last_ssl_error() + ")");
}

} // namespace

void check_tls_identity(const std::string& cert, const std::string& key, const std::string& ca) {
  // The key is the hive's membership: a copy is a member. Token files follow
  // the same rule.
  struct stat st {};
  if (::stat(key.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    throw std::invalid_argument("--cluster-key " + key
                                + ": its group or others may read it (chmod 600)");
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{SSL_CTX_new(TLS_method()), SSL_CTX_free};
  if (!ctx)
    throw std::runtime_error("cannot create a TLS context (" + last_ssl_error() + ")");
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert.c_str()) != 1)
    refuse("cluster-cert", cert, "cannot load a PEM certificate");
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM) != 1)
    refuse("cluster-key", key, "cannot load a PEM private key");
  if (SSL_CTX_check_private_key(ctx.get()) != 1)
    refuse("cluster-key", key, "does not match the certificate " + cert);
  if (SSL_CTX_load_verify_locations(ctx.get(), ca.c_str(), nullptr) != 1)
    refuse("cluster-ca", ca, "cannot load PEM CA certificates");
}

} // namespace hive::net
