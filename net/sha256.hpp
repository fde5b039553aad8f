#pragma once

#include <cstddef>
#include <memory>
#include <string>

struct evp_md_ctx_st;

namespace hive::net {

/// Incremental sha256 over OpenSSL's EVP interface.
class sha256_hasher {
public:
  sha256_hasher();
  ~sha256_hasher();
  sha256_hasher(const sha256_hasher&) = delete;
  sha256_hasher& operator=(const sha256_hasher&) = delete;

  void update(const void* data, std::size_t size);
  /// Lower-case hex digest; the hasher cannot be updated afterwards.
  std::string hex_digest();

private:
  struct deleter {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, deleter> ctx_;
};

} // namespace hive::net
