#include "tests/support/runtime_fixture.hpp"

#include <random>

namespace hive::test {

namespace fs = std::filesystem;

void runtime_fixture::SetUp() {
  std::random_device rd;
  models_dir =
      fs::temp_directory_path() / ("hive-test-" + std::to_string(rd()) + std::to_string(rd()));
  restart(default_settings());
}

void runtime_fixture::TearDown() {
  runtime.reset();
  std::error_code ec;
  fs::remove_all(models_dir, ec);
}

runtime_settings runtime_fixture::default_settings() const {
  runtime_settings s;
  s.listen_port = 0;
  s.jobs.models_dir = models_dir;
  s.jobs.progress_interval = std::chrono::milliseconds{20};
  s.jobs.heartbeat_interval = std::chrono::milliseconds{300};
  s.jobs.connect_timeout = std::chrono::seconds{2};
  s.jobs.stall_timeout = std::chrono::seconds{5};
  s.jobs.retry_backoff = std::chrono::milliseconds{10};
  return s;
}

void runtime_fixture::restart(const runtime_settings& settings) {
  runtime.reset();
  runtime = std::make_unique<hive_runtime>(settings);
  base = runtime->base_url();
}

net::http_reply runtime_fixture::post_job(const std::string& body) const {
  return net::http_call("POST", base + "/v1/jobs", body);
}

std::string runtime_fixture::start_download(const std::string& model,
                                            const std::string& sha256) const {
  std::string fields = R"("model":")" + model + "\",";
  if (!sha256.empty())
    fields += R"("sha256":")" + sha256 + "\",";
  return start_download_with(fields);
}

std::string runtime_fixture::start_download_with(const std::string& fields) const {
  auto reply = post_job("{" + fields + R"("operation":"model_download","hive_id":"localhost"})");
  EXPECT_EQ(reply.status, 201u) << reply.body << reply.error;
  simdjson::dom::parser parser;
  std::string_view job_id;
  EXPECT_EQ(parse_json(parser, reply.body)["job_id"].get(job_id), simdjson::SUCCESS);
  std::string_view sse_url;
  EXPECT_EQ(parse_json(parser, reply.body)["sse_url"].get(sse_url), simdjson::SUCCESS);
  EXPECT_EQ(sse_url, "/v1/jobs/" + std::string{job_id} + "/stream");
  return std::string{job_id};
}

std::string runtime_fixture::stream_log::final_data() const {
  return events.empty() ? std::string{} : events.back().data;
}

std::vector<net::sse_event> runtime_fixture::stream_log::named(const std::string& name) const {
  std::vector<net::sse_event> out;
  for (const auto& e : events)
    if (e.name == name)
      out.push_back(e);
  return out;
}

runtime_fixture::stream_log runtime_fixture::follow(const std::string& job_id,
                                                    const std::string& last_event_id) const {
  stream_log log;
  log.error = net::read_sse(
      base + "/v1/jobs/" + job_id + "/stream",
      [&](const net::sse_event& e) {
        log.events.push_back(e);
        return true;
      },
      last_event_id, std::chrono::seconds{20});
  return log;
}

net::http_reply runtime_fixture::get(const std::string& path) const {
  return net::http_call("GET", base + path);
}

net::http_reply runtime_fixture::call(const std::string& method, const std::string& path,
                                      const std::string& body) const {
  return net::http_call(method, base + path, body);
}

std::vector<fs::path> runtime_fixture::files_ending(const std::string& suffix) const {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator{models_dir, ec}) {
    auto name = entry.path().filename().string();
    if (name.size() >= suffix.size()
        && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(entry.path());
  }
  return out;
}

simdjson::dom::element parse_json(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element doc;
  auto error = parser.parse(text).get(doc);
  EXPECT_EQ(error, simdjson::SUCCESS) << "not JSON: " << text;
  if (error != simdjson::SUCCESS) { // an empty object keeps later lookups safe
    EXPECT_EQ(parser.parse(std::string_view{"{}"}).get(doc), simdjson::SUCCESS);
  }
  return doc;
}

void runtime_fixture::wait_for_bytes(const std::string& job_id) const {
  net::read_sse(base + "/v1/jobs/" + job_id + "/stream", [&](const net::sse_event& e) {
    if (e.name != "progress")
      return e.name != "end";
    simdjson::dom::parser parser;
    std::uint64_t bytes = 0;
    return parse_json(parser, e.data)["bytes"].get(bytes) != simdjson::SUCCESS || bytes == 0;
  });
}

} // namespace hive::test
