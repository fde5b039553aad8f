#include "net/host/fd_limit.hpp"

#include <algorithm>
#include <sys/resource.h>

namespace hive::net {

std::uint64_t raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
    return 0;
  if (limit.rlim_cur != limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
      limit = raised;
  }
  return limit.rlim_cur;
}

std::uint64_t fd_limit() {
  rlimit limit{};
  return ::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_cur : 0;
}

std::size_t default_max_connections(std::uint64_t fd_limit) {
  constexpr std::uint64_t most = 4096;
  // A quarter, at most 1,024, stays for transfers (a socket and a file each) and the rest.
  auto reserve = std::min<std::uint64_t>(1024, fd_limit / 4);
  return static_cast<std::size_t>(std::clamp<std::uint64_t>(fd_limit - reserve, 16, most));
}

} // namespace hive::net
