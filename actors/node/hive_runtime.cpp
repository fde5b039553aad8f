#include "net/asio.hpp"

#include "actors/node/hive_runtime.hpp"

#include "actors/catalog/catalog_actor.hpp"
#include "actors/cluster/cluster_actor.hpp"
#include "actors/cluster/job_gateway_actor.hpp"
#include "actors/node/blob_locator.hpp"
#include "actors/jobs/job_router_actor.hpp"
#include "actors/inspect/registry_actor.hpp"
#include "actors/vendors/hf/hf_vendor.hpp"
#include "actors/vendors/ollama/ollama_vendor.hpp"
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
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>
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

/// The host other hives reach a server listening on `host` by: a wildcard
/// address names none, so `stand_in` (when it names one) or the machine's
/// name goes instead.
std::string reachable_host(const std::string& host, const std::string& stand_in = {}) {
  if (!net::is_wildcard_host(host))
    return host;
  if (!stand_in.empty() && !net::is_wildcard_host(stand_in))
    return stand_in;
  return net::machine_host_name();
}

/// Loads CAF's network layer when the hive talks to others, with TLS when it
/// has certificates (CAF then demands a certificate from the CA of every peer).
void configure_cluster_links(caf::actor_system_config& cfg, const cluster_settings& cluster) {
  if (!cluster.networked())
    return;
  cfg.load<caf::io::middleman>();
  if (!cluster.tls())
    return;
  cfg.load<caf::openssl::manager>();
  cfg.openssl_certificate = cluster.cert;
  cfg.openssl_key = cluster.key;
  cfg.openssl_cafile = cluster.ca;
}

/// What other hives may fetch: whole blobs and transfers under way in the
/// daemon's own stores, with the cluster token.
net::blob_service blob_service_of(const runtime_settings& s,
                                  std::shared_ptr<const blob_locator> locator) {
  net::blob_service out;
  out.secret = s.access.cluster_secret;
  out.find = [locator](std::string_view sha256) { return locator->open(sha256); };
  out.sizing = [locator](std::string_view sha256) { return locator->sizing(sha256); };
  out.stall_timeout = s.jobs.stall_timeout;
  return out;
}

} // namespace

struct hive_runtime::impl {
  explicit impl(runtime_settings s) : settings(std::move(s)) {
    // What can fail comes before the first actor: an exception after it would
    // leave ~actor_system waiting for actors that nobody stops.
    auto endpoint = listen_endpoint();
    prepare_models_dir(settings.jobs.models_dir);
    if (settings.jobs.hive_id.empty())
      settings.jobs.hive_id = net::machine_host_name();
    cfg.add_message_types<caf::id_block::hive>();
    configure_cluster_links(cfg, settings.cluster);
    cfg.set("scheduler.max-threads", static_cast<std::size_t>(settings.actor_threads));
    cfg.set("logger.console", caf::atom("none"));
    // One queue that idle threads sleep on. Work stealing polls for work
    // every 50 us for some 25 ms after each message: with progress flowing,
    // a fifth of a download's CPU time (tools/bench --cluster).
    cfg.set("scheduler.policy", caf::atom("sharing"));
    system = std::make_unique<caf::actor_system>(cfg);
    settings.jobs.io = &ioc;
    settings.jobs.disk = &disk;
    settings.jobs.connections = &connections;
    settings.jobs.space = &space;
    settings.jobs.transfers = std::make_shared<transfer_board>();
    blobs = std::make_shared<blob_locator>(
        settings.jobs.models_dir,
        std::vector<std::filesystem::path>{settings.jobs.models_dir,
                                           settings.jobs.vendors.of<hf_settings>().cache,
                                           settings.jobs.vendors.of<ollama_settings>().models},
        settings.jobs.transfers);
    auto registry_stats = std::make_shared<actor_stats>();
    registry = system->spawn(observed(registry_actor, registry_stats), settings.jobs.hive_id);
    announce(registry, registry, actor_info{"actor_registry", "", 0, registry_stats});
    catalog = spawn_announced(*system, registry, actor_info{"catalog", "", 0, {}}, catalog_actor,
                              settings.jobs.models_dir);
    settings.cluster.blob_secret = settings.access.cluster_secret;
    cluster =
        spawn_announced(*system, registry, actor_info{"cluster", "", 0, {}}, cluster_actor,
                        settings.cluster, settings.jobs.hive_id, catalog, registry, board, dialer(),
                        blobs);
    // A hive with no cluster, or no token to fetch blobs with, never asks for mirrors.
    if (settings.cluster.networked() && !settings.cluster.blob_secret.empty())
      settings.jobs.cluster = cluster;
    router = spawn_announced(*system, registry, actor_info{"job_router", "", 0, {}},
                             job_router_actor, settings.jobs, board, catalog, registry, cluster,
                             vendor_factory{spawn_vendor});
    gateway = spawn_announced(*system, registry, actor_info{"job_gateway", "", 0, {}},
                              job_gateway_actor, settings.jobs.hive_id, router, catalog, board);
    net::jobs_api_context api{system.get(), router, catalog, registry, board, cluster,
                              settings.jobs.hive_id};
    api.blobs = blob_service_of(settings, blobs);
    auto limits = net::server_limits::for_connections(
        settings.max_connections ? settings.max_connections
                                 : net::default_max_connections(net::fd_limit()));
    limits.write_timeout = settings.write_timeout;
    // The guard comes first: the page, too, must not be served to a rebound name.
    auto handler = net::with_request_guard(net::with_web_page(net::make_jobs_api(api)),
                                           settings.access, settings.listen_host);
    std::string cluster_address;
    try {
      server = std::make_unique<net::http_server>(ioc, endpoint, std::move(handler), limits);
      cluster_address = publish_cluster();
    } catch (...) { // e.g. a port is taken: let the actors go, or ~actor_system waits
      for (const auto& a : {cluster, gateway, router, catalog, registry})
        caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
      throw;
    }
    caf::anon_send(cluster, start_atom_v,
                   "http://" + reachable_host(settings.listen_host, cluster_host()) + ":"
                       + std::to_string(server->port()),
                   cluster_address, gateway);
    spdlog::info("the API holds at most {} connections, {} of them event streams",
                 limits.max_connections, limits.max_streams);
    for (unsigned i = 0; i < std::max(1u, settings.io_threads); ++i)
      threads.emplace_back([this] { ioc.run(); });
  }

  /// The actor that connects to other hives: CAF's middleman, or its TLS
  /// twin; none when the hive talks to no other.
  caf::io::middleman_actor dialer() {
    if (!settings.cluster.networked())
      return {};
    if (settings.cluster.tls())
      return system->openssl_manager().actor_handle();
    return system->middleman().actor_handle();
  }

  std::string cluster_host() const {
    return settings.cluster.listen ? settings.cluster.listen->host : std::string{};
  }

  /// Publishes the cluster actor at `--cluster-listen` and answers the
  /// address other hives dial (`host:port`), or "" when it does not listen.
  std::string publish_cluster() {
    if (!settings.cluster.listen)
      return {};
    const auto& at = *settings.cluster.listen;
    auto host = net::bare_host(at.host);
    auto port = settings.cluster.tls()
                    ? caf::openssl::publish(cluster, at.port, host.c_str())
                    : system->middleman().publish(cluster, at.port, host.c_str());
    if (!port)
      throw std::runtime_error("--cluster-listen " + at.str()
                               + ": cannot listen: " + system->render(port.error()));
    if (settings.cluster.tls())
      spdlog::info("cluster listening on {}:{} (TLS: every peer must present a certificate "
                   "from {})",
                   at.host, *port, settings.cluster.ca);
    else
      spdlog::info("cluster listening on {}:{} (plain: links are neither authenticated nor "
                   "encrypted, so loopback only)",
                   at.host, *port);
    return reachable_host(at.host) + ":" + std::to_string(*port);
  }

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
    for (const auto& a : {cluster, gateway, router, catalog, registry})
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
  /// The blobs this hive holds or fetches, for other hives (HTTP and cluster).
  std::shared_ptr<const blob_locator> blobs;
  caf::actor registry;
  caf::actor catalog;
  caf::actor router;
  caf::actor cluster;
  /// Runs the jobs other hives forward here; the cluster actor hands it their requests.
  caf::actor gateway;
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

std::shared_ptr<const blob_locator> hive_runtime::blobs() const {
  return impl_->blobs;
}

} // namespace hive
