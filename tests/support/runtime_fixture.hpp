#pragma once

#include "actors/node/hive_runtime.hpp"
#include "net/http_client.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace hive::test {

/// A provisioner running in this process on a free loopback port, with its
/// own temporary models directory and test-sized timeouts.
class runtime_fixture : public ::testing::Test {
protected:
  void SetUp() override;
  void TearDown() override;

  /// Restarts the runtime with changed settings.
  void restart(const runtime_settings& settings);
  runtime_settings default_settings() const;

  /// POSTs a body to /v1/jobs.
  net::http_reply post_job(const std::string& body) const;
  /// Starts a download and returns its job id (the request must succeed).
  std::string start_download(const std::string& model, const std::string& sha256 = {}) const;
  /// The same with the body's other fields as JSON text ending in a comma,
  /// e.g. `"model":"hf:org/name","include":["*.json"],`.
  std::string start_download_with(const std::string& fields) const;

  struct stream_log {
    std::vector<net::sse_event> events;
    std::string error;
    /// The data of the last event (`[DONE]`, `[CANCELLED]`, `[ERROR] ...`).
    std::string final_data() const;
    std::vector<net::sse_event> named(const std::string& name) const;
  };
  /// Reads the job's stream to its end.
  stream_log follow(const std::string& job_id, const std::string& last_event_id = {}) const;

  net::http_reply get(const std::string& path) const;
  net::http_reply call(const std::string& method, const std::string& path,
                       const std::string& body = {}) const;

  /// Waits (bounded by the stream's own timeout) until the job's stream shows
  /// transferred bytes, or ends.
  void wait_for_bytes(const std::string& job_id) const;

  /// Files (recursively) under the models directory whose name ends in `suffix`.
  std::vector<std::filesystem::path> files_ending(const std::string& suffix) const;

  std::filesystem::path models_dir;
  std::unique_ptr<hive_runtime> runtime;
  std::string base;
};

/// Parses JSON or fails the test.
simdjson::dom::element parse_json(simdjson::dom::parser& parser, const std::string& text);

} // namespace hive::test
