#include "net/host/sha256.hpp"

#include <cctype>

#include <openssl/evp.h>

#include <fstream>
#include <stdexcept>
#include <vector>

namespace hive::net {

void sha256_hasher::deleter::operator()(evp_md_ctx_st* ctx) const {
  EVP_MD_CTX_free(ctx);
}

sha256_hasher::sha256_hasher() : sha256_hasher(EVP_sha256()) {
}

sha256_hasher::sha256_hasher(const evp_md_st* digest) : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), digest, nullptr) != 1)
    throw std::runtime_error("cannot initialise a digest");
}

sha256_hasher::~sha256_hasher() = default;

void sha256_hasher::update(const void* data, std::size_t size) {
  EVP_DigestUpdate(ctx_.get(), data, size);
}

std::string sha256_hasher::hex_digest() {
  static constexpr char hex[] = "0123456789abcdef";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_.get(), digest, &len);
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

std::string git_blob_sha1(const std::filesystem::path& file, std::error_code& ec) {
  auto size = std::filesystem::file_size(file, ec);
  std::ifstream in{file, std::ios::binary};
  if (ec || !in) {
    if (!ec)
      ec = std::make_error_code(std::errc::io_error);
    return {};
  }
  sha256_hasher hasher{EVP_sha1()};
  auto header = "blob " + std::to_string(size);
  hasher.update(header.c_str(), header.size() + 1); // with its terminating NUL
  std::vector<char> buf(64 * 1024);
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0)
    hasher.update(buf.data(), static_cast<std::size_t>(in.gcount()));
  return hasher.hex_digest();
}

std::string sha256_of_digest(std::string_view digest) {
  constexpr std::string_view prefix = "sha256:";
  if (!digest.starts_with(prefix) || digest.size() != prefix.size() + 64)
    return {};
  std::string hex{digest.substr(prefix.size())};
  for (auto& c : hex) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f'))
      return {};
  }
  return hex;
}

} // namespace hive::net
