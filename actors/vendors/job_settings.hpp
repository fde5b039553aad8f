#pragma once

#include "actors/vendors/build/build_recipe.hpp"
#include "net/http_request.hpp"
#include "net/proxy.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
class thread_pool;
} // namespace boost::asio

namespace hive {

/// Node-wide settings every job inherits. Every timeout is injectable.
struct job_settings {
  /// Root of the catalog: one folder per model.
  std::filesystem::path models_dir;
  /// Running downloads at once; the rest wait in the queue.
  std::size_t max_concurrent = 4;
  /// Jobs waiting for a slot at once; more are refused with `too_many_jobs`.
  std::size_t max_queued = 1000;
  /// Minimum time between two progress events of one job.
  std::chrono::milliseconds progress_interval{100};
  /// Time between two heartbeat narrations of one job.
  std::chrono::milliseconds heartbeat_interval{std::chrono::seconds{10}};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds{10}};
  std::chrono::milliseconds stall_timeout{std::chrono::seconds{30}};
  /// First wait before retrying a source that answered 408, 429 or 5xx (doubling).
  std::chrono::milliseconds retry_backoff{std::chrono::seconds{1}};
  /// The most a `url:` download may be, in bytes (`--max-download-size`); 0
  /// for no limit.
  std::uint64_t max_download_size = 0;
  /// Extra CA bundle for HTTPS (PEM), empty for the system's only.
  std::string ca_file;
  /// Proxies for transfers (provisiond takes them from the environment).
  net::proxy_settings proxy;
  /// The Hugging Face Hub (or a mirror), without a trailing slash.
  std::string hf_endpoint = "https://huggingface.co";
  /// Sent to the Hub as `Authorization: Bearer` (never to its CDN); may be empty.
  std::string hf_token;
  /// Root of the Hugging Face cache layout (`models--org--name/...`); empty
  /// for `<models_dir>/.huggingface/hub`.
  std::filesystem::path hf_cache;
  /// GitHub's REST API (or an Enterprise server's), without a trailing slash.
  std::string github_api = "https://api.github.com";
  /// Sent to the GitHub API as `Authorization: Bearer` (never to where it
  /// redirects asset downloads); may be empty.
  std::string github_token;
  /// The Ollama registry of references that name no host.
  std::string ollama_registry = "https://registry.ollama.ai";
  /// Root of Ollama's store (`blobs/`, `manifests/`), e.g. an existing
  /// `OLLAMA_MODELS`; empty for `<models_dir>/.ollama/models`.
  std::filesystem::path ollama_models;
  /// Files of one job downloaded at once.
  std::size_t parallel_files = 4;
  /// The folders `local:` may import from (`--import-root`); none turns
  /// `local:` off. See actors/vendors/local/import_roots.hpp.
  std::vector<std::filesystem::path> import_roots;
  /// The builds `build:<name>` may run (`--recipes FILE`).
  build_recipes recipes;
  /// How long a cancelled build's processes get between SIGTERM and SIGKILL.
  std::chrono::milliseconds kill_grace{std::chrono::seconds{2}};
  /// Where vendors run their network I/O; null in actor-only tests.
  boost::asio::io_context* io = nullptr;
  /// Where transfers hash and write their data; null runs that inline.
  boost::asio::thread_pool* disk = nullptr;
};

/// How a vendor asks its source for metadata: the node's trust, proxies,
/// timeouts and retry policy.
inline net::request_options metadata_options(const job_settings& s) {
  net::request_options options;
  options.ca_file = s.ca_file;
  options.proxy = s.proxy;
  options.connect_timeout = s.connect_timeout;
  options.timeout = s.stall_timeout;
  options.retry_backoff = s.retry_backoff;
  return options;
}

} // namespace hive
