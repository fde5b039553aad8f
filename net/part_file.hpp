#pragma once

#include "net/sha256.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace hive::net {

/// What an interrupted attempt left behind: the bytes in `<file>.part` and the
/// validator (a strong ETag, else Last-Modified) of the version they belong
/// to, kept beside it in `<file>.part.validator`. Without a validator there is
/// nothing to resume: two versions are never stitched together.
struct partial_download {
  std::uint64_t size = 0;
  std::string validator;
};

/// The resumable state of `part`; size 0 when there is nothing to resume.
partial_download read_partial(const std::filesystem::path& part);

/// Records the validator of the version being written to `part` (an empty
/// one removes the record, so that the part will not be resumed).
std::error_code save_validator(const std::filesystem::path& part, const std::string& validator);

/// Removes `part` and its validator.
void remove_partial(const std::filesystem::path& part);

/// The record beside `part`: the part file's path plus `.validator`.
std::filesystem::path validator_path(const std::filesystem::path& part);

/// The validator of a response: its ETag unless weak (`W/`), else its Last-Modified.
std::string validator_of(std::string_view etag, std::string_view last_modified);

/// Feeds the first `size` bytes of `path` to `hasher`.
std::error_code hash_prefix(const std::filesystem::path& path, std::uint64_t size,
                            sha256_hasher& hasher);

} // namespace hive::net
