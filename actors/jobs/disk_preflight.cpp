#include "actors/jobs/disk_preflight.hpp"

#include "messages/errc.hpp"
#include "net/host/disk_space.hpp"

namespace hive {

caf::expected<net::space_hold> reserve_space(const job_settings& settings,
                                             const std::string& job_id,
                                             const std::vector<file_task>& tasks) {
  if (!settings.space)
    return net::space_hold{};
  std::vector<net::space_claim> claims;
  for (const auto& task : tasks) {
    // An import links or reflinks when it can, taking no space; a copy that
    // meets a full disk fails cleanly all the same.
    if (!task.source_path.empty())
      continue;
    auto bytes = net::bytes_still_needed(task.part_path, task.final_path, task.size);
    if (bytes == 0)
      continue;
    std::error_code ec;
    auto on = net::volume_of(task.part_path, ec);
    if (ec) // nothing to measure: the transfer's own writes will tell
      continue;
    claims.push_back(net::space_claim{task.part_path, std::move(on), bytes});
  }
  if (auto shortfall = settings.space->reserve(job_id, claims, settings.min_free))
    return make_error(download_errc::insufficient_space, shortfall->text());
  return net::space_hold{*settings.space, job_id};
}

} // namespace hive
