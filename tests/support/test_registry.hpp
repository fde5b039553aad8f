#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hive::test {

/// A real registry (Debian's `docker-registry`, the CNCF distribution
/// registry) on a loopback port, in a temporary folder, with token
/// authentication: it answers anonymous requests with a Bearer challenge
/// whose realm is this fixture's token service, which grants signed JWTs
/// (x5c, the test TLS key) that the registry verifies itself.
class test_registry {
public:
  /// One blob of a model: its Ollama media type and content.
  using layer = std::pair<std::string, std::string>;

  test_registry();
  ~test_registry();
  test_registry(const test_registry&) = delete;
  test_registry& operator=(const test_registry&) = delete;

  /// `http://127.0.0.1:<port>`.
  std::string base() const;
  /// `127.0.0.1:<port>`, the host an Ollama store files its manifests under.
  std::string host() const;
  /// `http://127.0.0.1:<port>` of a TCP relay to the registry that passes its
  /// answers on at about 4 MiB/s: a slow registry.
  std::string slow_base() const;

  /// Pushes `layers` and a config blob through the registry's upload API,
  /// then the manifest (schema 2, Ollama's media types) as `repo:tag`.
  /// Returns the manifest exactly as pushed.
  std::string push_model(const std::string& repo, const std::string& tag,
                         const std::vector<layer>& layers);
  /// Overwrites the stored bytes of a blob (same size, other content).
  void corrupt_blob(const std::string& sha256);
  /// Tokens the token service granted so far.
  int tokens_granted() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace hive::test
