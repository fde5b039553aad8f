// Jobs that need the same bytes share one transfer: through the real API,
// over loopback, from a real file server that counts what it serves.

#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_file_server.hpp"

#include <numeric>
#include <thread>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

class SharedDownloadTest : public runtime_fixture {
protected:
  SharedDownloadTest() : data(make_test_bytes(8 * 1024 * 1024, 21)) {
    files.add_file("shared.gguf", data);
  }

  /// Throttled, so that a second job comes while the first one transfers.
  std::string model(const std::string& more_query = {}) const {
    return "url:" + files.base_url() + "/files/shared.gguf?rate=4000000" + more_query;
  }

  /// Starts a job and follows its stream on a thread of its own.
  struct followed {
    std::string job;
    stream_log log;
    std::thread reader;
  };
  void start(followed& f, const std::string& more_query = {}) {
    f.job = start_download(model(more_query));
    f.reader = std::thread{[this, &f] { f.log = follow(f.job); }};
  }

  std::uint64_t served() const {
    auto sent = files.bytes_served();
    return std::accumulate(sent.begin(), sent.end(), std::uint64_t{0});
  }

  static bool says(const stream_log& log, const std::string& text) {
    for (const auto& e : log.named("narration"))
      if (e.data.find(text) != std::string::npos)
        return true;
    return false;
  }

  std::string data;
  test_file_server files;
};

TEST_F(SharedDownloadTest, TwoJobsForTheSameModelBothEndDoneAndTheSourceServesTheBytesOnce) {
  followed a, b;
  start(a);
  wait_for_bytes(a.job);
  start(b); // no longer refused with 409 already_downloading
  a.reader.join();
  b.reader.join();

  EXPECT_EQ(a.log.final_data(), "[DONE]");
  EXPECT_EQ(b.log.final_data(), "[DONE]");
  EXPECT_NE(a.job, b.job);
  EXPECT_EQ(files.requests().size(), 1u);
  EXPECT_EQ(served(), data.size());
  EXPECT_TRUE(says(b.log, "joined the transfer of shared.gguf already under way (")) << b.job;
  EXPECT_FALSE(says(a.log, "joined the transfer"));
  // The second job's progress is the shared transfer's, to the last byte.
  ASSERT_FALSE(b.log.named("progress").empty());
  EXPECT_NE(b.log.named("progress").back().data.find("\"bytes\":8388608"), std::string::npos)
      << b.log.named("progress").back().data;
  EXPECT_EQ(sha256_hex(read_file(models_dir / "shared" / "shared.gguf")), sha256_hex(data));
  EXPECT_TRUE(files_ending(".part").empty());
  EXPECT_EQ(get("/v1/models/shared").status, 200u);
}

TEST_F(SharedDownloadTest, CancellingTheFirstJobLeavesTheSecondToFinish) {
  data = make_test_bytes(24 * 1024 * 1024, 23); // 6 s at 4 MB/s: the cancel comes well before
  files.add_file("shared.gguf", data);
  followed a, b;
  start(a);
  wait_for_bytes(a.job);
  start(b);
  wait_for_bytes(b.job);

  auto cancel = call("POST", "/v1/jobs/" + a.job + "/cancel");
  a.reader.join();
  EXPECT_EQ(cancel.status, 200u) << cancel.body;
  EXPECT_EQ(a.log.final_data(), "[CANCELLED]");
  EXPECT_FALSE(files_ending(".part").empty()); // the second job still needs it
  b.reader.join();

  EXPECT_EQ(b.log.final_data(), "[DONE]");
  EXPECT_EQ(files.requests().size(), 1u);
  EXPECT_EQ(served(), data.size());
  EXPECT_EQ(sha256_hex(read_file(models_dir / "shared" / "shared.gguf")), sha256_hex(data));
  EXPECT_TRUE(files_ending(".part").empty());
  EXPECT_EQ(get("/v1/models/shared").status, 200u);
}

TEST_F(SharedDownloadTest, CancellingBothStopsTheTransferAndRemovesThePartial) {
  files.add_file("shared.gguf", make_test_bytes(64 * 1024 * 1024, 22));
  followed a, b;
  start(a);
  wait_for_bytes(a.job);
  start(b);
  wait_for_bytes(b.job);

  EXPECT_EQ(call("POST", "/v1/jobs/" + b.job + "/cancel").status, 200u);
  b.reader.join();
  EXPECT_FALSE(files_ending(".part").empty());
  EXPECT_EQ(call("POST", "/v1/jobs/" + a.job + "/cancel").status, 200u);
  a.reader.join();

  EXPECT_EQ(a.log.final_data(), "[CANCELLED]");
  EXPECT_EQ(b.log.final_data(), "[CANCELLED]");
  EXPECT_TRUE(files_ending(".part").empty());
  EXPECT_FALSE(fs::exists(models_dir / "shared"));
  // The server sees the connection close: what it sends stops growing, far
  // short of the file (at 4 MB/s the rest would take 16 s).
  std::uint64_t before = 0;
  std::uint64_t now = served();
  for (int i = 0; i < 50 && now != before; ++i) {
    before = now;
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
    now = served();
  }
  EXPECT_EQ(now, before);
  EXPECT_LT(now, 64u * 1024 * 1024);
  EXPECT_EQ(files.requests().size(), 1u);
}

TEST_F(SharedDownloadTest, AFailureOfTheSharedTransferFailsEveryJobWithTheSameError) {
  followed a, b;
  start(a, "&reset_after=6000000");
  wait_for_bytes(a.job);
  start(b, "&reset_after=6000000");
  a.reader.join();
  b.reader.join();

  EXPECT_EQ(a.log.final_data().rfind("[ERROR] connection_reset: ", 0), 0u) << a.log.final_data();
  EXPECT_EQ(b.log.final_data(), a.log.final_data());
  EXPECT_TRUE(says(b.log, "joined the transfer of shared.gguf"));
  EXPECT_EQ(files.requests().size(), 1u);
  // What arrived stays for a resume, which the next job makes.
  EXPECT_EQ(files_ending(".part").size(), 1u);
  followed again;
  start(again);
  again.reader.join();
  EXPECT_EQ(again.log.final_data(), "[DONE]");
  EXPECT_EQ(sha256_hex(read_file(models_dir / "shared" / "shared.gguf")), sha256_hex(data));
}

TEST_F(SharedDownloadTest, AnotherSourceForTheSameModelIsStillRefused) {
  auto a = start_download(model());
  // The same file name, so the same model, through another URL.
  auto other = post_job(R"({"operation":"model_download","hive_id":"localhost","model":"url:)"
                        + files.base_url() + R"(/redirect/1/files/shared.gguf"})");
  EXPECT_EQ(other.status, 409u) << other.body;
  EXPECT_NE(other.body.find("\"code\":\"already_downloading\""), std::string::npos) << other.body;
  EXPECT_NE(other.body.find(a), std::string::npos) << other.body;
  EXPECT_EQ(call("POST", "/v1/jobs/" + a + "/cancel").status, 200u);
}

} // namespace

TEST_F(SharedDownloadTest, InAClusterJobsForTheSameBlobAskForMirrorsAndStillShareOneTransfer) {
  auto s = default_settings();
  s.cluster.listen = net::host_port{"127.0.0.1", 0};
  s.access.cluster_secret = "cluster-secret-0123";
  restart(s);
  // Back to back: the second job's question to the cluster may come before
  // or after the first job's transfer opens; either way it joins it.
  followed a, b;
  a.job = start_download(model(), sha256_hex(data));
  b.job = start_download(model(), sha256_hex(data));
  a.reader = std::thread{[this, &a] { a.log = follow(a.job); }};
  b.reader = std::thread{[this, &b] { b.log = follow(b.job); }};
  a.reader.join();
  b.reader.join();

  EXPECT_EQ(a.log.final_data(), "[DONE]");
  EXPECT_EQ(b.log.final_data(), "[DONE]");
  // Whichever opened the transfer asked the cluster first; the other joined it.
  bool b_joined = says(b.log, "joined the transfer of shared.gguf");
  const auto& opener = b_joined ? a : b;
  EXPECT_NE(b_joined, says(a.log, "joined the transfer of shared.gguf"));
  EXPECT_TRUE(says(opener.log, "no other hive has shared.gguf: fetching it from the origin"))
      << opener.job;
  EXPECT_EQ(files.requests().size(), 1u);
  EXPECT_EQ(served(), data.size());
  EXPECT_EQ(sha256_hex(read_file(models_dir / "shared" / "shared.gguf")), sha256_hex(data));
}
