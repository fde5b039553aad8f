#include "net/asio.hpp"

#include "actors/vendors/local/local_resolver.hpp"

#include "actors/vendors/local/local_files.hpp"
#include "messages/errc.hpp"
#include "net/format/human_units.hpp"

#include <boost/asio/thread_pool.hpp>

namespace hive {

namespace asio = boost::asio;

asio::awaitable<caf::expected<job_files>> local_resolver::plan(vendor_context ctx) {
  ctx.voice.target = ctx.ref.location;
  if (!ctx.settings.disk)
    co_return make_error(download_errc::internal, "no disk pool for file imports");
  // A slow or huge folder is walked on the disk pool, off the I/O threads.
  std::vector<file_task> tasks;
  auto walk = [&]() -> asio::awaitable<caf::error> {
    auto listed = list_local_files(ctx.ref.location, ctx.dest_dir, ctx.settings.vendors.of<local_settings>().import_roots);
    if (!listed)
      co_return std::move(listed.error());
    tasks = std::move(*listed);
    co_return caf::error{};
  };
  if (auto err = co_await asio::co_spawn(*ctx.settings.disk, walk, asio::use_awaitable))
    co_return err;
  if (auto err = expect_sha256(tasks, ctx.expected_sha256, ctx.ref.location))
    co_return err;
  std::uint64_t total = 0;
  for (const auto& task : tasks)
    total += task.size;
  ctx.voice.say("resolved", ctx.ref.location + ": " + std::to_string(tasks.size()) + " file(s), "
                                + format_bytes(total));
  co_return job_files{std::move(tasks), {}, {}};
}

} // namespace hive
