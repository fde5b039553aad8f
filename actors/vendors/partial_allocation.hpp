#pragma once

#include "actors/vendors/file_worker.hpp"

#include <caf/error.hpp>

namespace hive {

/// Allocates the whole of a download of known size before its first byte
/// (`fallocate`, the file's size unchanged), so that the space the job's
/// preflight promised is taken on disk, and hands the promise back to the
/// node's ledger: `statvfs` shows the allocation now. On a file system
/// without `fallocate` the promise stands until the job ends. A full disk
/// fails with `insufficient_space` and leaves no empty partial behind.
/// `claim` is the worker's on the partial, given up when the disk is full.
caf::error allocate_partial(const file_worker& st, net::part_claim& claim);

/// Hands the job's promise of the space of `st`'s file back to the node's
/// ledger: the file is allocated, by this job's transfer or another's.
void give_back_promise(const file_worker& st);

} // namespace hive
