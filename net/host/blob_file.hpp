#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <system_error>

namespace hive::net {

/// A blob opened for serving to other hives (`GET /v1/blobs/sha256/<hex>`):
/// a whole file, or the partial file a transfer is still writing. One
/// read-only descriptor, opened without following a link at the last step;
/// it stays valid when the partial is renamed into place, which keeps the
/// inode, so a reader goes on from the final file without reopening it.
class blob_file {
public:
  /// Whether the transfer writing a partial still runs (it may land yet).
  using running_check = std::function<bool()>;

  blob_file(blob_file&& other) noexcept;
  blob_file& operator=(blob_file&& other) noexcept;
  blob_file(const blob_file&) = delete;
  blob_file& operator=(const blob_file&) = delete;
  ~blob_file();

  /// `path`, when it is a regular file of `size` bytes.
  static std::optional<blob_file> open_whole(const std::filesystem::path& path, std::uint64_t size);
  /// The partial `part` of a transfer of the blob `sha256` (`size` bytes),
  /// which moves to `final_path` once verified. Its sidecar says which ranges
  /// have landed, and must name the same content.
  static std::optional<blob_file> open_landing(const std::filesystem::path& part,
                                               const std::filesystem::path& final_path,
                                               std::uint64_t size, const std::string& sha256,
                                               running_check running);

  std::uint64_t size() const {
    return size_;
  }

  /// What can be read from `offset` on, as of now.
  struct readable {
    /// Bytes from `offset` on that have landed without a gap.
    std::uint64_t bytes = 0;
    /// No more will land: the transfer stopped (or the blob is whole).
    bool final = false;
  };
  /// For a partial, re-reads its sidecar and looks where the file is.
  readable readable_from(std::uint64_t offset);

  /// Reads up to `out.size()` bytes at `offset`: how many were read.
  std::size_t read_at(std::uint64_t offset, std::span<char> out, std::error_code& ec) const;

private:
  /// Where a partial's bytes are told and where it goes.
  struct landing {
    std::filesystem::path part;
    std::filesystem::path final_path;
    std::string validator;
    running_check running;
  };

  blob_file(int fd, std::uint64_t size, std::optional<landing> growing);
  /// Whether `path` names this descriptor's file now.
  bool names_this(const std::filesystem::path& path) const;

  int fd_ = -1;
  std::uint64_t size_ = 0;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  /// Set while the blob is still landing; reset once it is whole in place.
  std::optional<landing> growing_;
};

} // namespace hive::net
