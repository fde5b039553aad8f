#pragma once

#include "net/host/disk_space.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace hive::net {

/// Bytes one job needs on one file system for one file.
struct space_claim {
  /// The file they are for (its partial's path): its worker releases them.
  std::string file;
  volume on;
  std::uint64_t bytes = 0;
};

/// Why a job does not fit on a file system.
struct space_shortfall {
  std::filesystem::path mount_point;
  /// What the job needs there, without the margin.
  std::uint64_t needed = 0;
  /// What is free there, less what other jobs were promised.
  std::uint64_t free = 0;
  /// What other jobs were promised there and have not allocated yet.
  std::uint64_t promised = 0;
  std::uint64_t min_free = 0;

  /// `needs 7.4 GB, 2.1 GB free on /srv/models, and 1.1 GB must stay free (--min-free)`.
  std::string text() const;
};

/// The node's record of bytes promised to jobs but not yet allocated, per
/// file system, so that two jobs cannot both pass the free-space check and
/// then both run out. Thread-safe. It holds one entry per file of a running
/// job with a known size: bounded by the running jobs and their plans.
class space_ledger {
public:
  /// Measures a file system's free bytes; called under the ledger's lock.
  using measure_fn =
      std::function<std::uint64_t(const std::filesystem::path& mount_point, std::error_code&)>;

  explicit space_ledger(measure_fn measure = free_bytes);

  /// Checks every file system the claims fall on for `free - promised >=
  /// needed + min_free` and, when all pass, records the claims under `owner`;
  /// check and record are one step. The first shortfall otherwise, with
  /// nothing recorded. A file system that cannot be measured is not held
  /// against the job: its writes will tell.
  std::optional<space_shortfall>
  reserve(const std::string& owner, const std::vector<space_claim>& claims, std::uint64_t min_free);

  /// Drops `owner`'s promise for `file`: its space is allocated now, or
  /// will not be needed.
  void release(const std::string& owner, const std::string& file);

  /// Drops everything `owner` was promised.
  void release_all(const std::string& owner);

  /// Bytes promised on `device`.
  std::uint64_t promised(std::uint64_t device) const;

private:
  struct promise {
    std::uint64_t device = 0;
    std::uint64_t bytes = 0;
  };

  void drop(const promise& p);

  measure_fn measure_;
  mutable std::mutex mutex_;
  /// Owner -> file -> promise.
  std::map<std::string, std::map<std::string, promise>> owners_;
  /// Device -> bytes promised on it.
  std::map<std::uint64_t, std::uint64_t> promised_;
};

/// What one job holds in the ledger, all of it released when the hold goes
/// (or is reset), however the job ends.
class space_hold {
public:
  space_hold() = default;
  space_hold(space_ledger& ledger, std::string owner);
  space_hold(space_hold&& other) noexcept;
  space_hold& operator=(space_hold&& other) noexcept;
  space_hold(const space_hold&) = delete;
  space_hold& operator=(const space_hold&) = delete;
  ~space_hold();

private:
  space_ledger* ledger_ = nullptr;
  std::string owner_;
};

} // namespace hive::net
