#pragma once

#include "net/host/sha256.hpp"
#include "net/transfer/byte_ranges.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace hive::net {

/// What an interrupted attempt left behind: the bytes in `<file>.part` and,
/// in the sidecar `<file>.part.validator`, the validator of the version they
/// belong to (a strong ETag, else Last-Modified, or `sha256:<hex>` for a file
/// named by its content) on its first line and, on a second line, which byte
/// ranges have landed (a parallel transfer writes in several places at once).
/// Without the second line the file's bytes are one prefix. Without a
/// validator there is nothing to resume: two versions are never stitched.
struct partial_download {
  /// Bytes landed in all.
  std::uint64_t size = 0;
  std::string validator;
  byte_ranges landed;
};

/// The resumable state of `part`; size 0 when there is nothing to resume.
partial_download read_partial(const std::filesystem::path& part);

/// Records the validator of the version being written to `part` (an empty
/// one removes the record, so that the part will not be resumed).
std::error_code save_validator(const std::filesystem::path& part, const std::string& validator);

/// Records the validator and the ranges of `part` that have landed (written
/// by calls that have returned), replacing the record at once.
std::error_code save_landed(const std::filesystem::path& part, const std::string& validator,
                            const byte_ranges& landed);

/// Removes `part` and its validator.
void remove_partial(const std::filesystem::path& part);

/// Removes `part` (and any validator) when it holds nothing a later attempt
/// could resume: empty, or without a validator. A part another writer claims
/// right now is left alone.
void remove_if_unresumable(const std::filesystem::path& part);

/// At start-up, before any job runs: removes every `*.part` under `root`
/// that cannot be resumed, and validators whose part is gone. Returns how
/// many files went. Other tools' partials (the Hub cache's `.incomplete`,
/// Ollama's `-partial`) are theirs to resume and stay.
std::size_t collect_unresumable_partials(const std::filesystem::path& root);

/// The record beside `part`: the part file's path plus `.validator`.
std::filesystem::path validator_path(const std::filesystem::path& part);

/// The validator of a response: its ETag unless weak (`W/`), else its Last-Modified.
std::string validator_of(std::string_view etag, std::string_view last_modified);

/// Claims `part` for one writer: an exclusive, non-blocking `flock` on the
/// part file (created empty if absent), held until the object goes. A part
/// file that is a link or has another name (a crashed import's hard link to
/// the operator's file) is removed, with its validator, and created anew:
/// nothing is ever written through it. Two jobs
/// that need the same file (the same blob of a shared cache) cannot write it
/// at once; the second learns it at once instead of corrupting the first.
class part_claim {
public:
  part_claim() = default;
  part_claim(part_claim&& other) noexcept;
  part_claim& operator=(part_claim&& other) noexcept;
  part_claim(const part_claim&) = delete;
  part_claim& operator=(const part_claim&) = delete;
  ~part_claim();

  /// `ec` is `resource_unavailable_try_again` when another writer holds it.
  static part_claim acquire(const std::filesystem::path& part, std::error_code& ec);

  /// Gives back the space allocated past the part's end, once its transfer
  /// has stopped short: a kept partial holds only what it holds.
  void give_back_unfilled() const;

  /// Removes `part` (this claim's file) and its validator if it holds
  /// nothing a later attempt could resume, while still claimed: a transfer
  /// that stopped short does it before its jobs hear of it, so that their
  /// cleanup never meets a part that is still claimed and cannot go.
  void drop_if_unresumable(const std::filesystem::path& part) const;

private:
  explicit part_claim(int fd) : fd_(fd) {
  }
  int fd_ = -1;
};

/// Feeds the first `size` bytes of `path` to `hasher`.
std::error_code hash_prefix(const std::filesystem::path& path, std::uint64_t size,
                            sha256_hasher& hasher);

} // namespace hive::net
