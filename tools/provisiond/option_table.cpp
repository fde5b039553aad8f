#include "tools/provisiond/option_table.hpp"

#include "actors/vendors/recipes/build_recipe.hpp"
#include "messages/cluster_messages.hpp"
#include "net/format/byte_size.hpp"
#include "net/host/token_file.hpp"
#include "net/host_port.hpp"

#include <charconv>
#include <filesystem>
#include <stdexcept>

namespace hive {

namespace {

unsigned long parse_number(const std::string& key, const std::string& value, unsigned long min,
                           unsigned long max) {
  unsigned long n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc{} || end != value.data() + value.size() || n < min || n > max)
    throw std::invalid_argument("--" + key + ": expected a number from " + std::to_string(min)
                                + " to " + std::to_string(max) + ", got '" + value + "'");
  return n;
}

/// The token kept in the file named by option `key`; start-up stops when the
/// file is not private to its owner.
std::string read_secret(const std::string& key, const std::string& path) {
  try {
    return net::read_token_file(path);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("--" + key + ": " + e.what());
  }
}

/// A size in bytes, optionally with a binary suffix and decimals: `500M`, `1.5G`, `1048576`.
std::uint64_t parse_size(const std::string& key, const std::string& value) {
  auto size = parse_byte_size(value);
  if (!size)
    throw std::invalid_argument("--" + key
                                + ": expected a number of bytes, optionally with K, M, G or T "
                                  "(binary: 1K = 1024), got '"
                                + value + "'");
  return *size;
}

/// `HOST:PORT` with a port from 0 to 65535.
net::host_port parse_address(const std::string& key, const std::string& value) {
  auto address = net::parse_host_port(value);
  if (!address)
    throw std::invalid_argument("--" + key + ": expected HOST:PORT, got '" + value + "'");
  return *address;
}

const option_spec options[] = {
    {"listen", "HOST:PORT", "address of the HTTP API (default 127.0.0.1:7835)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       auto address = parse_address(k, v);
       o.runtime.listen_host = address.host;
       o.runtime.listen_port = address.port;
     }},
    {"allowed-host", "NAME",
     "another Host name to answer, e.g. the one a reverse proxy forwards (repeatable)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       if (v.empty() || v.find_first_of(":/ ") != std::string::npos)
         throw std::invalid_argument("--" + k + ": expected a host name without port, got '" + v
                                     + "'");
       o.runtime.access.allowed_hosts.push_back(v);
     }},
    {"api-token-file", "FILE",
     "every /v1/ request needs Authorization: Bearer with the token in FILE (mode 600)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.access.api_token = read_secret(k, v);
     }},
    {"cluster-secret-file", "FILE",
     "serve blobs to other hives that send Authorization: Bearer with the token in FILE "
     "(mode 600; the same file on every hive)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.access.cluster_secret = read_secret(k, v);
     }},
    {"max-connections", "N",
     "API connections at once, an eighth kept for short requests (default 4096 or what the "
     "open-files limit allows)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.max_connections = parse_number(k, v, 16, 1000000);
     }},
    {"models-dir", "DIR", "where models are stored (default ~/.cache/rbee/models)",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.jobs.models_dir = v;
     }},
    {"max-concurrent", "N", "downloads running at once; the rest queue (default 4)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.jobs.max_concurrent = parse_number(k, v, 1, 1024);
     }},
    {"max-queued", "N",
     "jobs waiting for a slot at once; more are refused with 429 too_many_jobs (default 1000)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.jobs.max_queued = parse_number(k, v, 0, 1000000);
     }},
    {"parallel-files", "N", "files of one job fetched at once (default 4)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.jobs.parallel_files = parse_number(k, v, 1, 64);
     }},
    {"heartbeat-secs", "N", "seconds between heartbeat narrations of a job (default 10)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.jobs.heartbeat_interval = std::chrono::seconds{parse_number(k, v, 1, 86400)};
     }},
    {"progress-interval-ms", "N", "minimum milliseconds between progress events (default 100)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.jobs.progress_interval = std::chrono::milliseconds{parse_number(k, v, 1, 60000)};
     }},
    {"connect-timeout-secs", "N", "seconds allowed to connect to a source (default 10)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.jobs.connect_timeout = std::chrono::seconds{parse_number(k, v, 1, 3600)};
     }},
    {"stall-timeout-secs", "N", "a transfer without data this long fails (default 30)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.jobs.stall_timeout = std::chrono::seconds{parse_number(k, v, 1, 3600)};
     }},
    {"connections-per-file", "N",
     "most connections one file may use; more are added while they raise its rate (default 16, "
     "at most 64)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.jobs.connections_per_file = static_cast<unsigned>(parse_number(k, v, 1, 64));
     }},
    {"max-download-size", "BYTES",
     "largest file a url: download may be, e.g. 20G (default: no limit)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.jobs.vendors.of<url_settings>().max_download_size = parse_size(k, v);
     }},
    {"max-rate", "RATE",
     "bytes per second all downloads together may take, e.g. 100M or 1.5G (default: no limit)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.jobs.max_rate->set(parse_size(k, v));
     }},
    {"min-free", "BYTES",
     "free space a download must leave on each file system it writes to, e.g. 5G; a job that "
     "would use it fails before its first byte (default 1G)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.jobs.min_free = parse_size(k, v);
     }},
    {"ca-file", "FILE", "extra CA certificates (PEM) to trust for HTTPS",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.jobs.ca_file = v;
     }},
    {"https-proxy", "URL", "http:// proxy for https downloads (default $HTTPS_PROXY)",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.jobs.proxy.https_proxy = v;
     }},
    {"http-proxy", "URL", "http:// proxy for http downloads (default $HTTP_PROXY)",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.jobs.proxy.http_proxy = v;
     }},
    {"no-proxy", "HOSTS", "comma-separated hosts reached directly (default $NO_PROXY)",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.jobs.proxy.no_proxy = v;
     }},
    {"hf-endpoint", "URL", "Hugging Face Hub or mirror (default $HF_ENDPOINT or huggingface.co)",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.jobs.vendors.of<hf_settings>().endpoint = v.substr(0, v.find_last_not_of('/') + 1);
     }},
    {"hf-token", "TOKEN", "Hugging Face access token (default $HF_TOKEN)",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.jobs.vendors.of<hf_settings>().token = v;
     }},
    {"hf-token-file", "FILE",
     "read the Hugging Face token from FILE (mode 600 or stricter; surrounding white space is "
     "dropped)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.jobs.vendors.of<hf_settings>().token = read_secret(k, v);
     }},
    {"hf-cache", "DIR",
     "Hugging Face cache shared with its tools (default $HF_HUB_CACHE, $HF_HOME/hub, "
     "or .huggingface/hub in the models directory)",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.jobs.vendors.of<hf_settings>().cache = v;
     }},
    {"github-api", "URL", "GitHub REST API (default $GITHUB_API_URL or api.github.com)",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.jobs.vendors.of<gh_settings>().api = v.substr(0, v.find_last_not_of('/') + 1);
     }},
    {"github-token", "TOKEN",
     "GitHub token, for private repositories and a higher rate limit "
     "(default $GITHUB_TOKEN)",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.jobs.vendors.of<gh_settings>().token = v;
     }},
    {"github-token-file", "FILE",
     "read the GitHub token from FILE (mode 600 or stricter; surrounding white space is dropped)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.jobs.vendors.of<gh_settings>().token = read_secret(k, v);
     }},
    {"ollama-registry", "URL",
     "Ollama registry of references that name no host (default https://registry.ollama.ai)",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.jobs.vendors.of<ollama_settings>().registry =
           v.substr(0, v.find_last_not_of('/') + 1);
     }},
    {"ollama-models", "DIR",
     "Ollama's store, usable by ollama itself (default $OLLAMA_MODELS, or .ollama/models in the "
     "models directory)",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.jobs.vendors.of<ollama_settings>().models = v;
     }},
    {"import-root", "DIR",
     "a folder local: may import from (repeatable; without one, local: is refused)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       if (!std::filesystem::path{v}.is_absolute())
         throw std::invalid_argument("--" + k + ": expected an absolute path, got '" + v + "'");
       o.runtime.jobs.vendors.of<local_settings>().import_roots.emplace_back(v);
     }},
    {"recipes", "FILE", "build recipes that build:<name> may run (JSON, see README)",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.jobs.vendors.of<build_settings>().recipes = load_recipes(v);
     }},
    {"hive-id", "NAME",
     "this hive's name in its cluster, 1-63 of A-Z a-z 0-9 . _ - (default: the host name)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       if (!is_valid_hive_id(v))
         throw std::invalid_argument(
             "--" + k + ": expected 1 to 63 characters of A-Z a-z 0-9 . _ -, got '" + v + "'");
       o.runtime.jobs.hive_id = v;
     }},
    {"cluster-listen", "HOST:PORT",
     "publish this hive to its cluster there (port 0 picks one); loopback only without "
     "--cluster-cert",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.cluster.listen = parse_address(k, v);
     }},
    {"cluster-peer", "HOST:PORT", "a hive to join; one reachable is enough (repeatable)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.cluster.peers.push_back(parse_address(k, v));
     }},
    {"cluster-cert", "FILE",
     "this hive's certificate (PEM) for mutually authenticated TLS cluster links; needs "
     "--cluster-key and --cluster-ca",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.cluster.cert = v;
     }},
    {"cluster-key", "FILE", "the private key of --cluster-cert (PEM, mode 600)",
     [](daemon_options& o, const std::string&, const std::string& v) {
       o.runtime.cluster.key = v;
     }},
    {"cluster-ca", "FILE", "the CA (PEM) whose certificates the cluster's hives present",
     [](daemon_options& o, const std::string&, const std::string& v) { o.runtime.cluster.ca = v; }},
    {"cluster-status-ms", "N",
     "milliseconds between refreshes of this hive's status, pushed to its peers when it "
     "changed (default 1000)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.cluster.status_interval =
           std::chrono::milliseconds{parse_number(k, v, 50, 600000)};
     }},
    {"cluster-mirror-ms", "N",
     "milliseconds a hive may take to say whether it holds a blob before this one fetches "
     "without it (default 2000)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.cluster.mirror_timeout = std::chrono::milliseconds{parse_number(k, v, 50, 60000)};
     }},
    {"cluster-mirrors", "N",
     "the most hives one file is fetched from at once; 0 fetches nothing from them (default 4)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.cluster.max_mirrors = static_cast<std::size_t>(parse_number(k, v, 0, 64));
     }},
    {"io-threads", "N", "threads for network I/O (default 2)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.io_threads = static_cast<unsigned>(parse_number(k, v, 1, 64));
     }},
    {"actor-threads", "N", "threads of the actor scheduler (default 2)",
     [](daemon_options& o, const std::string& k, const std::string& v) {
       o.runtime.actor_threads = static_cast<unsigned>(parse_number(k, v, 1, 64));
     }},
    {"log-level", "LEVEL", "trace, debug, info, warn, error or off (default info)",
     [](daemon_options& o, const std::string&, const std::string& v) { o.log_level = v; }},
};

} // namespace

std::span<const option_spec> option_table() {
  return options;
}

} // namespace hive
