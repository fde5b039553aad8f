#include "net/asio.hpp"

#include "actors/node/hive_runtime.hpp"

#include "actors/catalog/catalog_actor.hpp"
#include "actors/jobs/job_router_actor.hpp"
#include "actors/inspect/registry_actor.hpp"
#include "actors/vendors/transfer_board.hpp"
#include "actors/vendors/vendor_registry.hpp"
#include "messages/type_ids.hpp"
#include "net/host/fd_limit.hpp"
#include "net/host/file_import.hpp"
#include "net/api/jobs_api.hpp"
#include "net/connection_pool.hpp"
#include "net/host/part_file.hpp"
#include "net/host/space_ledger.hpp"
#include "net/request_guard.hpp"
#include "net/web_page.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <spdlog/spdlog.h>

#include <thread>
#include <vector>

namespace hive {

namespace asio = boost::asio;

namespace {

/// Creates the models folder readable by the daemon's group only (what is
/// imported may be private), and removes what a crash left of imports.
void prepare_models_dir(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  if (fs::create_directories(dir))
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  if (auto removed = net::remove_abandoned_imports(dir))
    spdlog::info("removed {} file(s) a crash left while importing", removed);
  if (auto removed = net::collect_unresumable_partials(dir))
    spdlog::info("removed {} partial file(s) that cannot be resumed from {}", removed,
                 dir.string());
}

} // namespace

struct hive_runtime::impl {
  explicit impl(runtime_settings s) : settings(std::move(s)) {
    // What can fail comes before the first actor: an exception after it would
    // leave ~actor_system waiting for actors that nobody stops.
    auto endpoint = listen_endpoint();
    prepare_models_dir(settings.jobs.models_dir);
    cfg.add_message_types<caf::id_block::hive>();
    cfg.set("scheduler.max-threads", static_cast<std::size_t>(settings.actor_threads));
    cfg.set("logger.console", caf::atom("none"));
    system = std::make_unique<caf::actor_system>(cfg);
    settings.jobs.io = &ioc;
    settings.jobs.disk = &disk;
    settings.jobs.connections = &connections;
    settings.jobs.space = &space;
    settings.jobs.transfers = std::make_shared<transfer_board>();
    auto registry_stats = std::make_shared<actor_stats>();
    registry = system->spawn(observed(registry_actor, registry_stats));
    announce(registry, registry, actor_info{"actor_registry", "", 0, registry_stats});
    catalog = spawn_announced(*system, registry, actor_info{"catalog", "", 0, {}}, catalog_actor,
                              settings.jobs.models_dir);
    router =
        spawn_announced(*system, registry, actor_info{"job_router", "", 0, {}}, job_router_actor,
                        settings.jobs, board, catalog, registry, caf::actor{},
                        vendor_factory{spawn_vendor});
    net::jobs_api_context api{system.get(), router, catalog, registry, board};
    auto limits = net::server_limits::for_connections(
        settings.max_connections ? settings.max_connections
                                 : net::default_max_connections(net::fd_limit()));
    limits.write_timeout = settings.write_timeout;
    // The guard comes first: the page, too, must not be served to a rebound name.
    auto handler = net::with_request_guard(net::with_web_page(net::make_jobs_api(api)),
                                           settings.access, settings.listen_host);
    try {
      server = std::make_unique<net::http_server>(ioc, endpoint, std::move(handler), limits);
    } catch (...) { // e.g. the port is taken: let the actors go, or ~actor_system waits
      for (const auto& a : {router, catalog, registry})
        caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
      throw;
    }
    spdlog::info("the API holds at most {} connections, {} of them event streams",
                 limits.max_connections, limits.max_streams);
    for (unsigned i = 0; i < std::max(1u, settings.io_threads); ++i)
      threads.emplace_back([this] { ioc.run(); });
  }

  /// Removes what earlier runs left that no job can use, before any job runs.
  /// The address to listen on: an IP literal, or a host name such as
  /// `localhost` resolved with IPv4 preferred.
  asio::ip::tcp::endpoint listen_endpoint() {
    auto host = settings.listen_host;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    boost::system::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (!ec)
      return {address, settings.listen_port};
    asio::ip::tcp::resolver resolver{ioc};
    auto results = resolver.resolve(host, std::to_string(settings.listen_port),
                                    asio::ip::tcp::resolver::numeric_service);
    for (const auto& entry : results)
      if (entry.endpoint().address().is_v4())
        return entry.endpoint();
    return results.begin()->endpoint();
  }

  ~impl() {
    server->stop();
    for (const auto& a : {router, catalog, registry})
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    // Asio threads must be gone before ~actor_system: a thread that spawned
    // actors holds a reference that would make the system wait forever.
    work.reset();
    ioc.stop();
    for (auto& t : threads)
      t.join();
    disk.join();
    server.reset();
    system->await_all_actors_done();
  }

  runtime_settings settings;
  /// Disk space promised to running jobs; outlives the actors that hold promises.
  net::space_ledger space;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  /// Hashing and file writes of transfers, off the network threads. Declared
  /// before `ioc`, so that it outlives the coroutine frames `ioc` destroys: a
  /// transfer's frame holds a strand of this pool.
  asio::thread_pool disk{1};
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
  /// Idle keep-alive connections of every transfer and metadata request.
  /// Declared after `ioc`: its sockets close before the context goes.
  net::connection_pool connections;
  std::vector<std::thread> threads;
  std::shared_ptr<job_board> board = std::make_shared<job_board>();
  caf::actor registry;
  caf::actor catalog;
  caf::actor router;
  std::unique_ptr<net::http_server> server;
};

hive_runtime::hive_runtime(runtime_settings settings)
  : impl_(std::make_unique<impl>(std::move(settings))) {
}

hive_runtime::~hive_runtime() = default;

std::uint16_t hive_runtime::port() const {
  return impl_->server->port();
}

std::string hive_runtime::base_url() const {
  return "http://" + impl_->settings.listen_host + ":" + std::to_string(port());
}

} // namespace hive
