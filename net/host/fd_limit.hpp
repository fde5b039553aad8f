#pragma once

#include <cstddef>
#include <cstdint>

namespace hive::net {

/// Raises the soft limit of open files to the hard one (services often start
/// with 1,024, which a thousand event streams exhaust) and returns the soft
/// limit now in force.
std::uint64_t raise_fd_limit();

/// The soft limit of open files in force.
std::uint64_t fd_limit();

/// Connections the API may hold with `fd_limit` descriptors: at most 4,096,
/// leaving a reserve for transfers, part files and the process's own.
std::size_t default_max_connections(std::uint64_t fd_limit);

} // namespace hive::net
