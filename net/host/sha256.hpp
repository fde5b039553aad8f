#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

struct evp_md_ctx_st;
struct evp_md_st;

namespace hive::net {

/// Incremental sha256 over OpenSSL's EVP interface (or another of its
/// digests, for the few places that need one).
class sha256_hasher {
public:
  sha256_hasher();
  explicit sha256_hasher(const evp_md_st* digest);
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

/// Git's id of a file's content: sha1 of `blob <size>\0<bytes>`, lower-case
/// hex (what the Hugging Face Hub gives as the ETag of a file not in LFS).
std::string git_blob_sha1(const std::filesystem::path& file, std::error_code& ec);

/// The hex of a `sha256:<hex>` digest (registries, GitHub), in lower case;
/// "" for anything else.
std::string sha256_of_digest(std::string_view digest);

} // namespace hive::net
