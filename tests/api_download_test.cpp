// Downloads through the real API, over loopback, from a real file server.

#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_file_server.hpp"

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

class ApiDownloadTest : public runtime_fixture {
protected:
  std::string field(const std::string& json, const char* key) {
    simdjson::dom::parser parser;
    std::string_view value;
    if (parse_json(parser, json)[key].get(value) != simdjson::SUCCESS)
      return {};
    return std::string{value};
  }

  bool actors_of(const std::string& job_id, const std::string& kind) {
    auto reply = get("/v1/actors");
    EXPECT_EQ(reply.status, 200u);
    simdjson::dom::parser parser;
    for (auto actor : parse_json(parser, reply.body)["actors"].get_array()) {
      std::string_view job, k;
      if (actor["job_id"].get(job) == simdjson::SUCCESS && job == job_id
          && actor["kind"].get(k) == simdjson::SUCCESS && k == kind)
        return true;
    }
    return false;
  }

  test_file_server files;
};

} // namespace

TEST_F(ApiDownloadTest, DownloadsAFileWithRisingProgressAndTheRightChecksum) {
  auto data = make_test_bytes(8 * 1024 * 1024);
  files.add_file("model.gguf", data);
  auto job = start_download("url:" + files.base_url() + "/files/model.gguf?rate=16000000",
                            sha256_hex(data));
  auto log = follow(job);
  ASSERT_EQ(log.final_data(), "[DONE]") << log.error;

  auto progress = log.named("progress");
  ASSERT_GE(progress.size(), 3u);
  std::uint64_t last = 0;
  simdjson::dom::parser parser;
  for (const auto& e : progress) {
    auto doc = parse_json(parser, e.data);
    EXPECT_EQ(std::string_view{doc["job_id"]}, job);
    EXPECT_EQ(std::string_view{doc["file"]}, "model.gguf");
    EXPECT_EQ(std::uint64_t{doc["total"]}, data.size());
    std::uint64_t bytes = doc["bytes"];
    EXPECT_GE(bytes, last);
    last = bytes;
  }
  EXPECT_EQ(last, data.size());
  // Every byte came from the origin, and the last report says so.
  auto final_report = parse_json(parser, progress.back().data);
  EXPECT_EQ(std::uint64_t{final_report["sources"]["origin"]}, data.size()) << progress.back().data;
  for (const auto& e : log.named("narration"))
    EXPECT_EQ(std::string_view{parse_json(parser, e.data)["job_id"]}, job);

  auto stored = models_dir / "model" / "model.gguf";
  EXPECT_EQ(sha256_hex(read_file(stored)), sha256_hex(data));
  EXPECT_TRUE(files_ending(".part").empty());
  auto model = get("/v1/models/model");
  ASSERT_EQ(model.status, 200u) << model.body;
  auto doc = parse_json(parser, model.body);
  EXPECT_EQ(std::string_view{doc["files"].at(0)["sha256"]}, sha256_hex(data));
  EXPECT_EQ(std::uint64_t{doc["total_size"]}, data.size());
  auto state = get("/v1/jobs/" + job);
  EXPECT_EQ(field(state.body, "state"), "completed");
  EXPECT_EQ(field(state.body, "vendor"), "url");
}

TEST_F(ApiDownloadTest, CancelMidTransferStopsAtOnceAndLeavesNothing) {
  files.add_file("big.gguf", make_test_bytes(64 * 1024 * 1024));
  auto job = start_download("url:" + files.base_url() + "/files/big.gguf?rate=2000000");
  stream_log log;
  std::thread watcher{[&] { log = follow(job); }};
  wait_for_bytes(job);
  EXPECT_TRUE(actors_of(job, "url_vendor"));
  EXPECT_FALSE(files_ending(".part").empty());

  auto started = std::chrono::steady_clock::now();
  auto cancel = call("POST", "/v1/jobs/" + job + "/cancel");
  auto took = std::chrono::steady_clock::now() - started;
  watcher.join();
  EXPECT_EQ(cancel.status, 200u) << cancel.body;
  EXPECT_EQ(field(cancel.body, "status"), "cancelled");
  EXPECT_EQ(field(cancel.body, "job_id"), job);
  EXPECT_LT(took, std::chrono::seconds{2});
  EXPECT_EQ(log.final_data(), "[CANCELLED]");
  // Answered only once the vendor is down and its partial file is gone.
  EXPECT_FALSE(actors_of(job, "url_vendor"));
  EXPECT_TRUE(files_ending(".part").empty());
  EXPECT_FALSE(fs::exists(models_dir / "big"));
  EXPECT_EQ(field(get("/v1/jobs/" + job).body, "state"), "cancelled");
  auto again = call("DELETE", "/v1/jobs/" + job);
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(field(again.body, "status"), "cancelled");
}

TEST_F(ApiDownloadTest, CancelWhileWaitingForTheSourceStopsAtOnce) {
  auto job = start_download("url:" + files.base_url() + "/hang/never.gguf");
  for (int i = 0; i < 200 && files.requests().empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  ASSERT_FALSE(files.requests().empty()) << "the vendor never reached the source";
  auto started = std::chrono::steady_clock::now();
  auto cancel = call("DELETE", "/v1/jobs/" + job);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{1});
  EXPECT_EQ(cancel.status, 200u) << cancel.body;
  EXPECT_EQ(follow(job).final_data(), "[CANCELLED]");
  EXPECT_FALSE(actors_of(job, "url_vendor"));
  EXPECT_FALSE(fs::exists(models_dir / "never"));
}

TEST_F(ApiDownloadTest, EverySubscriberGetsEveryEventAndLateOnesGetHistory) {
  files.add_file("m.gguf", make_test_bytes(2 * 1024 * 1024));
  auto job = start_download("url:" + files.base_url() + "/files/m.gguf?rate=4000000");
  stream_log first, second;
  std::thread a{[&] { first = follow(job); }};
  std::thread b{[&] { second = follow(job); }};
  a.join();
  b.join();
  ASSERT_EQ(first.final_data(), "[DONE]");
  ASSERT_EQ(second.final_data(), "[DONE]");
  auto texts = [](const stream_log& log) {
    std::vector<std::string> out;
    for (const auto& e : log.named("narration"))
      out.push_back(e.id + e.data);
    return out;
  };
  EXPECT_EQ(texts(first), texts(second));

  auto late = follow(job); // after the end: the history, then the end
  EXPECT_EQ(late.final_data(), "[DONE]");
  EXPECT_EQ(texts(late), texts(first));
  ASSERT_GE(late.named("progress").size(), 1u); // coalesced to the latest

  auto middle = late.events.at(late.events.size() / 2);
  auto resumed = follow(job, middle.id);
  ASSERT_FALSE(resumed.events.empty());
  EXPECT_GT(std::stoull(resumed.events.front().id), std::stoull(middle.id));
  EXPECT_EQ(resumed.final_data(), "[DONE]");
}

TEST_F(ApiDownloadTest, ResetMidBodyFailsAndKeepsThePartialForResume) {
  files.add_file("r.gguf", make_test_bytes(4 * 1024 * 1024));
  auto job = start_download("url:" + files.base_url() + "/files/r.gguf?reset_after=1048576");
  auto log = follow(job);
  EXPECT_EQ(log.final_data().rfind("[ERROR] connection_reset: ", 0), 0u) << log.final_data();
  auto parts = files_ending(".part");
  ASSERT_EQ(parts.size(), 1u);
  // A reset may drop bytes still in flight: some data is kept, never more than was sent.
  EXPECT_GT(fs::file_size(parts[0]), 0u);
  EXPECT_LE(fs::file_size(parts[0]), 1048576u);
  EXPECT_FALSE(fs::exists(models_dir / "r" / "metadata.json"));
  auto state = get("/v1/jobs/" + job);
  EXPECT_EQ(field(state.body, "state"), "failed");
  EXPECT_EQ(get("/v1/models/r").status, 404u);
}

TEST_F(ApiDownloadTest, ResumesAfterAResetFetchingOnlyTheRest) {
  auto data = make_test_bytes(4 * 1024 * 1024, 7);
  files.add_file("r2.gguf", data);
  auto first = start_download("url:" + files.base_url() + "/files/r2.gguf?reset_after=1048576");
  ASSERT_EQ(follow(first).final_data().rfind("[ERROR] connection_reset: ", 0), 0u);
  auto kept = fs::file_size(models_dir / "r2" / "r2.gguf.part");
  ASSERT_GT(kept, 0u);

  auto second = start_download("url:" + files.base_url() + "/files/r2.gguf", sha256_hex(data));
  auto log = follow(second);
  ASSERT_EQ(log.final_data(), "[DONE]");
  EXPECT_EQ(files.ranges().back(), "bytes=" + std::to_string(kept) + "-");
  EXPECT_EQ(files.if_ranges().back(), files.etag("r2.gguf")); // only if it is still that version
  EXPECT_EQ(files.bytes_served().back(), data.size() - kept) << "only the rest was sent";
  bool said_so = false;
  for (const auto& e : log.named("narration"))
    said_so = said_so || e.data.find("resuming r2.gguf") != std::string::npos;
  EXPECT_TRUE(said_so);
  EXPECT_EQ(sha256_hex(read_file(models_dir / "r2" / "r2.gguf")), sha256_hex(data));
  EXPECT_TRUE(files_ending(".part").empty());
  EXPECT_TRUE(files_ending(".validator").empty());
}

TEST_F(ApiDownloadTest, AFailedJobLeavesNoEmptyPartialOrFolder) {
  auto log = follow(start_download("url:" + files.base_url() + "/files/absent.gguf"));
  EXPECT_EQ(log.final_data().rfind("[ERROR] http_status: ", 0), 0u) << log.final_data();
  EXPECT_TRUE(files_ending(".part").empty());
  EXPECT_FALSE(fs::exists(models_dir / "absent"));
}

TEST_F(ApiDownloadTest, AnAnswerLargerThanTheDownloadLimitIsRefusedAndKeepsNothing) {
  auto settings = default_settings();
  settings.jobs.vendors.of<url_settings>().max_download_size = 1024 * 1024;
  restart(settings);
  files.add_file("large.gguf", make_test_bytes(4 * 1024 * 1024));
  auto refused =
      follow(start_download("url:" + files.base_url() + "/files/large.gguf?rate=4000000"));
  EXPECT_EQ(refused.final_data().rfind("[ERROR] size_mismatch: ", 0), 0u) << refused.final_data();
  EXPECT_NE(refused.final_data().find("more than the download size limit of 1048576"),
            std::string::npos);
  EXPECT_NE(refused.final_data().find("announced 4194304 bytes"), std::string::npos)
      << "refused on its header, before its body";

  // Without a length the body is cut off as it passes the limit.
  auto cut = follow(start_download("url:" + files.base_url() + "/files/large.gguf?chunked=1"));
  EXPECT_EQ(cut.final_data().rfind("[ERROR] size_mismatch: ", 0), 0u) << cut.final_data();
  EXPECT_NE(cut.final_data().find("sent more than 1048576 bytes"), std::string::npos);
  EXPECT_TRUE(files_ending(".part").empty());
  EXPECT_FALSE(fs::exists(models_dir / "large"));

  files.add_file("small.gguf", make_test_bytes(1024 * 1024));
  EXPECT_EQ(follow(start_download("url:" + files.base_url() + "/files/small.gguf")).final_data(),
            "[DONE]"); // the limit itself is allowed
}

TEST_F(ApiDownloadTest, AChangedSourceIsFetchedAgainNotStitched) {
  auto old_data = make_test_bytes(2 * 1024 * 1024, 1);
  auto new_data = make_test_bytes(2 * 1024 * 1024, 2);
  files.add_file("v.gguf", old_data);
  auto first = start_download("url:" + files.base_url() + "/files/v.gguf?reset_after=1048576");
  ASSERT_EQ(follow(first).final_data().rfind("[ERROR] connection_reset: ", 0), 0u);
  ASSERT_FALSE(files_ending(".part").empty());

  files.add_file("v.gguf", new_data); // a new version, with a new ETag
  auto second = start_download("url:" + files.base_url() + "/files/v.gguf", sha256_hex(new_data));
  ASSERT_EQ(follow(second).final_data(), "[DONE]");
  EXPECT_NE(files.ranges().back(), ""); // it asked to resume, and was given the whole file
  EXPECT_EQ(sha256_hex(read_file(models_dir / "v" / "v.gguf")), sha256_hex(new_data));
}

TEST_F(ApiDownloadTest, ChecksumMismatchFailsAndLeavesNoFile) {
  files.add_file("c.gguf", make_test_bytes(1024 * 1024));
  auto job = start_download("url:" + files.base_url() + "/files/c.gguf", std::string(64, '0'));
  auto log = follow(job);
  EXPECT_EQ(log.final_data().rfind("[ERROR] checksum_mismatch: ", 0), 0u) << log.final_data();
  EXPECT_FALSE(fs::exists(models_dir / "c"));
  EXPECT_EQ(get("/v1/models/c").status, 404u);
}

TEST_F(ApiDownloadTest, FollowsRedirectsButNotForever) {
  files.add_file("d.gguf", "tiny model");
  auto ok = start_download("url:" + files.base_url() + "/redirect/3/files/d.gguf");
  EXPECT_EQ(follow(ok).final_data(), "[DONE]");
  EXPECT_EQ(read_file(models_dir / "d" / "d.gguf"), "tiny model");
  auto loop = start_download("url:" + files.base_url() + "/redirect/11/files/e.gguf");
  EXPECT_EQ(follow(loop).final_data().rfind("[ERROR] too_many_redirects: ", 0), 0u);
}

TEST_F(ApiDownloadTest, SourceFailuresBecomeTypedErrors) {
  auto status = start_download("url:" + files.base_url() + "/status/503/x.gguf");
  auto log = follow(status);
  EXPECT_EQ(log.final_data().rfind("[ERROR] http_status: ", 0), 0u) << log.final_data();
  EXPECT_NE(log.final_data().find("503"), std::string::npos);

  auto refused = start_download("url:http://127.0.0.1:1/x.gguf");
  EXPECT_EQ(follow(refused).final_data().rfind("[ERROR] connection_failed: ", 0), 0u);
}

TEST_F(ApiDownloadTest, AStalledTransferTimesOut) {
  auto settings = default_settings();
  settings.jobs.stall_timeout = std::chrono::milliseconds{300};
  restart(settings);
  files.add_file("s.gguf", make_test_bytes(1024 * 1024));
  auto job = start_download("url:" + files.base_url() + "/files/s.gguf?stall_after=1000");
  auto log = follow(job);
  EXPECT_EQ(log.final_data().rfind("[ERROR] stalled: ", 0), 0u) << log.final_data();
}

TEST_F(ApiDownloadTest, HeartbeatNarratesWhileDownloading) {
  files.add_file("h.gguf", make_test_bytes(1024 * 1024));
  auto job = start_download("url:" + files.base_url() + "/files/h.gguf?rate=1000000");
  auto log = follow(job);
  ASSERT_EQ(log.final_data(), "[DONE]");
  // The first beat may come before any data ("no data yet"); one must show progress.
  bool progress_beat = false;
  simdjson::dom::parser parser;
  for (const auto& e : log.named("narration")) {
    auto doc = parse_json(parser, e.data);
    if (std::string_view{doc["action"]} == "heartbeat") {
      EXPECT_EQ(std::string_view{doc["job_id"]}, job);
      auto human = std::string{std::string_view{doc["human"]}};
      progress_beat = progress_beat || human.find("still downloading") != std::string::npos;
    }
  }
  EXPECT_TRUE(progress_beat);
}

TEST_F(ApiDownloadTest, QueuesBeyondTheConcurrencyLimit) {
  auto settings = default_settings();
  settings.jobs.max_concurrent = 1;
  restart(settings);
  files.add_file("q1.gguf", make_test_bytes(1024 * 1024));
  files.add_file("q2.gguf", make_test_bytes(1024 * 1024));
  auto first = start_download("url:" + files.base_url() + "/files/q1.gguf?rate=1000000");
  auto second = start_download("url:" + files.base_url() + "/files/q2.gguf");
  EXPECT_EQ(field(get("/v1/jobs/" + second).body, "state"), "queued");
  auto list = get("/v1/jobs");
  EXPECT_NE(list.body.find("\"state\":\"queued\""), std::string::npos);
  auto cancel = call("POST", "/v1/jobs/" + second + "/cancel");
  EXPECT_EQ(cancel.status, 200u);
  EXPECT_EQ(follow(second).final_data(), "[CANCELLED]");
  EXPECT_EQ(follow(first).final_data(), "[DONE]");
  for (const auto& target : files.requests())
    EXPECT_EQ(target.find("q2.gguf"), std::string::npos) << "a cancelled queued job was fetched";
}

TEST_F(ApiDownloadTest, HttpsWithATrustedCa) {
  test_file_server tls{{tls_dir() + "/server.pem", tls_dir() + "/server.key"}};
  tls.add_file("t.gguf", "served over TLS");
  auto settings = default_settings();
  settings.jobs.ca_file = tls_dir() + "/ca.pem";
  restart(settings);
  auto job = start_download("url:" + tls.base_url() + "/files/t.gguf");
  EXPECT_EQ(follow(job).final_data(), "[DONE]");
  EXPECT_EQ(read_file(models_dir / "t" / "t.gguf"), "served over TLS");
}

TEST_F(ApiDownloadTest, HttpsRefusesAnUntrustedCertificate) {
  test_file_server tls{{tls_dir() + "/server.pem", tls_dir() + "/server.key"}};
  tls.add_file("t.gguf", "served over TLS");
  auto settings = default_settings();
  settings.jobs.ca_file = tls_dir() + "/other_ca.pem";
  restart(settings);
  auto job = start_download("url:" + tls.base_url() + "/files/t.gguf");
  auto log = follow(job);
  EXPECT_EQ(log.final_data().rfind("[ERROR] tls_failed: ", 0), 0u) << log.final_data();
  EXPECT_FALSE(fs::exists(models_dir / "t" / "t.gguf"));
}

TEST_F(ApiDownloadTest, CatalogOperationsAreJobsToo) {
  files.add_file("k.gguf", "keep me");
  ASSERT_EQ(follow(start_download("url:" + files.base_url() + "/files/k.gguf")).final_data(),
            "[DONE]");
  auto list = post_job(R"({"operation":"model_list"})");
  ASSERT_EQ(list.status, 201u);
  auto log = follow(field(list.body, "job_id"));
  EXPECT_EQ(field(get("/v1/jobs/" + field(list.body, "job_id")).body, "vendor"), "");
  ASSERT_EQ(log.final_data(), "[DONE]");
  auto data = log.named("data");
  ASSERT_EQ(data.size(), 1u);
  EXPECT_NE(data[0].data.find(R"("id":"k")"), std::string::npos) << data[0].data;

  auto del = post_job(R"({"operation":"model_delete","id":"k"})");
  EXPECT_EQ(follow(field(del.body, "job_id")).final_data(), "[DONE]");
  EXPECT_FALSE(fs::exists(models_dir / "k"));
  auto missing = post_job(R"({"operation":"model_get","id":"k"})");
  EXPECT_EQ(follow(field(missing.body, "job_id")).final_data().rfind("[ERROR] not_found: ", 0), 0u);
}

TEST_F(ApiDownloadTest, DeletesModelsThroughTheModelsRoute) {
  files.add_file("z.gguf", "zzz");
  ASSERT_EQ(follow(start_download("url:" + files.base_url() + "/files/z.gguf")).final_data(),
            "[DONE]");
  EXPECT_NE(get("/v1/models").body.find(R"("id":"z")"), std::string::npos);
  auto del = call("DELETE", "/v1/models/z");
  EXPECT_EQ(del.status, 200u) << del.body;
  EXPECT_FALSE(fs::exists(models_dir / "z"));
  EXPECT_EQ(call("DELETE", "/v1/models/z").status, 404u);
}
