#include "actors/vendors/partial_allocation.hpp"

#include "messages/errc.hpp"
#include "net/host/disk_space.hpp"
#include "net/host/file_system.hpp"
#include "net/host/part_file.hpp"
#include "net/host/space_ledger.hpp"

#include <cerrno>
#include <filesystem>

namespace hive {

caf::error allocate_partial(const file_worker& st, net::part_claim& claim) {
  const auto& part = st.task.part_path;
  if (st.task.size == 0)
    return {};
  auto ec = net::preallocate(part, st.task.size);
  if (ec.value() == EOPNOTSUPP)
    return {};
  if (net::is_disk_full(ec)) {
    claim = {}; // unclaimed, so that an empty part can go
    net::remove_if_unresumable(part);
    return make_error(download_errc::insufficient_space,
                      net::no_space_text(std::filesystem::path{part}.parent_path()));
  }
  if (ec)
    return make_error(download_errc::io_failed, "cannot allocate " + part + ": " + ec.message());
  give_back_promise(st);
  return {};
}

void give_back_promise(const file_worker& st) {
  if (st.ctx.settings.space)
    st.ctx.settings.space->release(st.ctx.job_id, st.task.part_path);
}

} // namespace hive
