#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace hive::hf {

/// One repository in the Hugging Face cache layout, as `huggingface_hub`,
/// `llama.cpp -hf` and friends read and write it:
///
///     <root>/models--<org>--<name>/blobs/<etag>
///                                 /snapshots/<commit>/<path> -> ../../blobs/<etag>
///                                 /refs/<revision>             (holds the commit)
class repo_cache {
public:
  repo_cache(const std::filesystem::path& root, std::string_view repo);

  const std::filesystem::path& dir() const {
    return dir_;
  }
  std::filesystem::path blob(const std::string& etag) const;
  /// Where a blob's bytes gather while they arrive (`huggingface_hub`'s name).
  std::filesystem::path incomplete(const std::string& etag) const;
  std::filesystem::path pointer(const std::string& commit, const std::string& path) const;
  /// Records that `revision` is `commit` (nothing to do when they are equal).
  std::error_code write_ref(const std::string& revision, const std::string& commit) const;

private:
  std::filesystem::path dir_;
};

/// Makes `pointer` a relative symlink to `blob`, replacing what was there.
std::error_code link_pointer(const std::filesystem::path& pointer,
                             const std::filesystem::path& blob);

/// Removes a snapshot's pointer, then the blob it linked to when no other
/// snapshot of the repository links to it, then the snapshot folder when
/// empty (and the refs that named it). Does nothing to a path that is not a
/// pointer inside a `models--*/snapshots` folder; returns whether it was one.
bool release_pointer(const std::filesystem::path& pointer, std::error_code& ec);

/// The same for many pointers at once, walking each repository's snapshots
/// once (not once per pointer); returns how many were pointers.
std::size_t release_pointers(const std::vector<std::filesystem::path>& pointers,
                             std::error_code& ec);

/// True for a path from a repository listing that is safe to create under a
/// snapshot: relative, `/`-separated, no empty, `.` or `..` segment, no
/// backslash or control character.
bool is_safe_repo_path(std::string_view path);

/// The cache root a node shares with the Hugging Face tools: `HF_HUB_CACHE`,
/// else `$HF_HOME/hub`, else `fallback`.
std::filesystem::path cache_root_from_environment(const std::filesystem::path& fallback);

} // namespace hive::hf
