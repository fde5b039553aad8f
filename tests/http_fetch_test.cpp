// The transfer coroutine on its own, against a real server.

#include "net/host/part_file.hpp"
#include "net/http_fetch.hpp"
#include "tests/support/test_file_server.hpp"
#include "tests/support/test_proxy.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <future>
#include <numeric>
#include <random>
#include <thread>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

class HttpFetchTest : public ::testing::Test {
protected:
  void SetUp() override {
    part = fs::temp_directory_path() / ("fetch-test-" + std::to_string(std::random_device{}()));
    io_thread = std::thread{[this] { ioc.run(); }};
  }
  void TearDown() override {
    work.reset();
    io_thread.join();
    disk.join();
    fs::remove(part);
  }

  net::fetch_outcome fetch(const std::string& url, const std::string& token = {},
                           const net::proxy_settings& proxy = {}, const std::string& ca_file = {},
                           const std::string& token_origin = {}) {
    net::fetch_request req;
    req.url = url;
    req.proxy = proxy;
    req.ca_file = ca_file;
    req.part_path = part;
    req.bearer_token = token;
    req.token_origin = token_origin;
    req.disk = &disk;
    req.buffer_size = 64 * 1024;
    req.retry_backoff = std::chrono::milliseconds{1};
    req.max_retries = 3;
    req.expected_size = expected_size;
    req.max_size = max_size;
    req.piece_size = piece_size;
    req.content_sha256 = content_sha256;
    req.stall_timeout = stall_timeout;
    req.max_part_restarts = max_part_restarts;
    req.progress_interval = std::chrono::milliseconds{1};
    req.mirrors = mirrors;
    std::promise<net::fetch_outcome> done;
    net::fetch_observer obs;
    obs.on_retry = [this](int, std::chrono::milliseconds, const std::string&) { ++retries; };
    obs.on_progress = [this](std::uint64_t bytes, std::uint64_t, std::uint32_t connections,
                             const std::vector<source_bytes>&) {
      most_connections = std::max(most_connections.load(), connections);
      if (on_bytes)
        on_bytes(bytes);
    };
    obs.on_source_failed = [this](const std::string& name, const std::string& why) {
      std::lock_guard lock{mutex};
      dropped.push_back(name + ": " + why);
    };
    net::start_fetch(ioc, req, obs, [&done](net::fetch_outcome out) { done.set_value(out); });
    return done.get_future().get();
  }

  std::atomic<int> retries{0};
  /// The most connections a progress report named.
  std::atomic<std::uint32_t> most_connections{0};
  /// Called from the transfer's thread with the bytes landed so far.
  std::function<void(std::uint64_t)> on_bytes;
  /// Passed on as the request's knobs of a transfer in parts (small pieces,
  /// so that small files split).
  std::uint64_t piece_size = 256 * 1024;
  std::string content_sha256;
  std::chrono::milliseconds stall_timeout{std::chrono::seconds{30}};
  unsigned max_part_restarts = 16;
  /// Passed on as the request's `expected_size` and `max_size`.
  std::uint64_t expected_size = 0;
  std::uint64_t max_size = 0;
  /// Passed on as the request's mirrors.
  std::vector<blob_source> mirrors;
  /// Each mirror dropped, as "<name>: <why>".
  std::mutex mutex;
  std::vector<std::string> dropped;
  fs::path part;
  boost::asio::io_context ioc;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work =
      boost::asio::make_work_guard(ioc);
  boost::asio::thread_pool disk{1};
  std::thread io_thread;
  test_file_server files;
};

} // namespace

TEST_F(HttpFetchTest, HashesWhatItWritesAcrossManyBuffers) {
  auto data = make_test_bytes(3 * 1024 * 1024 + 17);
  files.add_file("x.bin", data);
  auto out = fetch(files.base_url() + "/files/x.bin");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.bytes, data.size());
  EXPECT_EQ(out.total, data.size());
  EXPECT_EQ(out.sha256, sha256_hex(data));
  EXPECT_EQ(fs::file_size(part), data.size());
}

TEST_F(HttpFetchTest, SendsTheTokenOnlyToTheFirstHost) {
  files.add_file("x.bin", "payload");
  auto port = std::to_string(files.port());
  ASSERT_TRUE(fetch(files.base_url() + "/redirect/1/files/x.bin", "secret").ok);
  auto same_host = files.authorizations();
  ASSERT_EQ(same_host.size(), 3u);
  for (const auto& auth : same_host)
    EXPECT_EQ(auth, "Bearer secret");

  ASSERT_TRUE(fetch(files.base_url() + "/cross/" + port + "/files/x.bin", "secret").ok);
  auto all = files.authorizations();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[3], "Bearer secret"); // 127.0.0.1, which redirects to localhost
  EXPECT_EQ(all[4], "");              // localhost never sees it
  EXPECT_EQ(files.requests().back(), "/files/x.bin");
}

TEST_F(HttpFetchTest, SendsTheTokenOnlyToItsOrigin) {
  files.add_file("x.bin", "payload");
  auto port = std::to_string(files.port());
  auto cdn = "http://localhost:" + port + "/files/x.bin";
  ASSERT_TRUE(fetch(cdn, "secret", {}, {}, files.base_url()).ok);
  EXPECT_EQ(files.authorizations().back(), ""); // the first host, but not the token's
  ASSERT_TRUE(fetch(files.base_url() + "/files/x.bin", "secret", {}, {}, files.base_url()).ok);
  EXPECT_EQ(files.authorizations().back(), "Bearer secret");
}

TEST_F(HttpFetchTest, GoesThroughAnHttpProxy) {
  test_proxy proxy;
  files.add_file("x.bin", "through the proxy");
  auto out = fetch(files.base_url() + "/files/x.bin", {}, {"", proxy.url(), ""});
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, sha256_hex("through the proxy"));
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0], "GET " + files.base_url() + "/files/x.bin");
  EXPECT_EQ(files.requests().back(), "/files/x.bin"); // origin form at the origin
}

TEST_F(HttpFetchTest, TunnelsHttpsThroughAProxyAndStillVerifiesTheServer) {
  test_proxy proxy;
  test_file_server tls{{tls_dir() + "/server.pem", tls_dir() + "/server.key"}};
  tls.add_file("t.bin", "tunnelled");
  net::proxy_settings via{proxy.url(), "", ""};
  auto ok = fetch(tls.base_url() + "/files/t.bin", {}, via, tls_dir() + "/ca.pem");
  ASSERT_TRUE(ok.ok) << ok.message;
  EXPECT_EQ(ok.sha256, sha256_hex("tunnelled"));
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0], "CONNECT 127.0.0.1:" + std::to_string(tls.port()));
  auto untrusted = fetch(tls.base_url() + "/files/t.bin", {}, via, tls_dir() + "/other_ca.pem");
  EXPECT_FALSE(untrusted.ok);
  EXPECT_EQ(untrusted.code, download_errc::tls_failed);
}

TEST_F(HttpFetchTest, NoProxyHostsAreReachedDirectly) {
  test_proxy proxy;
  files.add_file("x.bin", "direct");
  ASSERT_TRUE(fetch(files.base_url() + "/files/x.bin", {}, {"", proxy.url(), "127.0.0.1"}).ok);
  EXPECT_TRUE(proxy.requests().empty());
}

TEST_F(HttpFetchTest, APartTheSourceCannotContinueIsDroppedAndFetchedAgain) {
  files.add_file("x.bin", "short");
  ASSERT_TRUE(fetch(files.base_url() + "/files/x.bin").ok);
  // A part as long as the file, tagged with its version: the source answers 416.
  ASSERT_FALSE(net::save_validator(part, files.etag("x.bin")));
  auto out = fetch(files.base_url() + "/files/x.bin");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.resumed_from, 0u);
  EXPECT_EQ(out.sha256, sha256_hex("short"));
  EXPECT_EQ(files.ranges().at(1), "bytes=5-");
  EXPECT_EQ(files.ranges().at(2), "");
}

TEST_F(HttpFetchTest, RetriesAnswersThatSayLater) {
  files.add_file("x.bin", "eventually");
  auto out = fetch(files.base_url() + "/flaky/2/x.bin");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, sha256_hex("eventually"));
  EXPECT_EQ(files.requests().size(), 3u);
  EXPECT_EQ(retries.load(), 2);
}

TEST_F(HttpFetchTest, GivesUpAfterItsRetriesAndNeverRetriesWhatWillNotChange) {
  auto busy = fetch(files.base_url() + "/status/503");
  EXPECT_EQ(busy.code, download_errc::http_status);
  EXPECT_EQ(busy.http_status, 503u);
  EXPECT_EQ(files.requests().size(), 4u); // the first try and 3 retries
  auto missing = fetch(files.base_url() + "/status/404");
  EXPECT_EQ(missing.http_status, 404u);
  EXPECT_EQ(files.requests().size(), 5u);
}

// A Hub file announced at 18,000 bytes whose CDN serves far more: it fails on
// the answer's length, before a byte is written, and keeps nothing.
TEST_F(HttpFetchTest, AnAnswerLongerThanTheAnnouncedSizeFailsAtOnceAndKeepsNothing) {
  files.add_file("x.bin", make_test_bytes(2 * 1024 * 1024));
  expected_size = 18000;
  auto out = fetch(files.base_url() + "/files/x.bin");
  EXPECT_EQ(out.code, download_errc::size_mismatch) << out.message;
  EXPECT_NE(out.message.find("announced 2097152 bytes, expected 18000"), std::string::npos)
      << out.message;
  EXPECT_FALSE(fs::exists(part));
  EXPECT_FALSE(fs::exists(net::validator_path(part)));
}

TEST_F(HttpFetchTest, ABodyWithoutALengthIsCutOffWhereItPassesTheAnnouncedSize) {
  auto data = make_test_bytes(4 * 1024 * 1024);
  files.add_file("x.bin", data);
  expected_size = 18000;
  auto out = fetch(files.base_url() + "/files/x.bin?chunked=1");
  EXPECT_EQ(out.code, download_errc::size_mismatch) << out.message;
  EXPECT_NE(out.message.find("sent more than 18000 bytes, the size it announced"),
            std::string::npos)
      << out.message;
  EXPECT_FALSE(fs::exists(part));

  expected_size = data.size(); // announced right: a chunked body is fine
  auto ok = fetch(files.base_url() + "/files/x.bin?chunked=1");
  ASSERT_TRUE(ok.ok) << ok.message;
  EXPECT_EQ(ok.sha256, sha256_hex(data));
}

TEST_F(HttpFetchTest, ExtraBytesPastTheContentLengthAreNeverStored) {
  auto data = make_test_bytes(1024 * 1024);
  files.add_file("x.bin", data);
  auto out = fetch(files.base_url() + "/files/x.bin?overrun=65536");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.bytes, data.size());
  EXPECT_EQ(fs::file_size(part), data.size());
  EXPECT_EQ(out.sha256, sha256_hex(data));
}

TEST_F(HttpFetchTest, TheSizeLimitRefusesALargerAnswerAndCutsOffALongerBody) {
  files.add_file("x.bin", make_test_bytes(2 * 1024 * 1024));
  max_size = 1024 * 1024;
  auto announced = fetch(files.base_url() + "/files/x.bin");
  EXPECT_EQ(announced.code, download_errc::size_mismatch) << announced.message;
  EXPECT_NE(announced.message.find("more than the download size limit of 1048576"),
            std::string::npos)
      << announced.message;
  auto streamed = fetch(files.base_url() + "/files/x.bin?chunked=1");
  EXPECT_EQ(streamed.code, download_errc::size_mismatch) << streamed.message;
  EXPECT_NE(streamed.message.find("sent more than 1048576 bytes, the download size limit"),
            std::string::npos)
      << streamed.message;
  EXPECT_FALSE(fs::exists(part));
}

TEST_F(HttpFetchTest, AResumeAsksForTheRestOfThatVersionAndIsSentOnlyTheRest) {
  auto data = make_test_bytes(1024 * 1024, 5);
  files.add_file("x.bin", data);
  auto cut = fetch(files.base_url() + "/files/x.bin?reset_after=300000");
  ASSERT_EQ(cut.code, download_errc::connection_reset) << cut.message;
  auto kept = fs::file_size(part);
  ASSERT_GT(kept, 0u);
  auto out = fetch(files.base_url() + "/files/x.bin");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.resumed_from, kept);
  EXPECT_EQ(files.if_ranges().back(), files.etag("x.bin"));
  EXPECT_EQ(files.bytes_served().back(), data.size() - kept);
  EXPECT_EQ(out.sha256, sha256_hex(data));
}

// -- transfers in parts -----------------------------------------------------------------------

namespace {

std::uint64_t sum(const std::vector<std::uint64_t>& v) {
  return std::accumulate(v.begin(), v.end(), std::uint64_t{0});
}

} // namespace

TEST_F(HttpFetchTest, AFileThatTakesRangesIsFetchedInPartsOverSeveralConnections) {
  auto data = make_test_bytes(4 * 1024 * 1024, 31);
  files.add_file("x.bin", data);
  // Each connection is capped, as a CDN caps it: more connections, more speed.
  auto out = fetch(files.base_url() + "/files/x.bin?ranges=1&rate=4000000");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, sha256_hex(data));
  EXPECT_EQ(fs::file_size(part), data.size());
  EXPECT_GE(most_connections.load(), 4u) << "the rate grew with connections, so it added them";
  auto ranges = files.ranges();
  ASSERT_GE(ranges.size(), 4u);
  EXPECT_EQ(ranges.front(), "") << "the first request asks for the whole file";
  for (std::size_t i = 1; i < ranges.size(); ++i)
    EXPECT_TRUE(ranges[i].starts_with("bytes=") && ranges[i].back() != '-') << ranges[i];
  // The server counts a write once it has completed, which may come after the
  // client has read it: give its count a moment to catch up.
  auto served = sum(files.bytes_served());
  for (int i = 0; i < 200 && served < data.size(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
    served = sum(files.bytes_served());
  }
  EXPECT_GE(served, data.size());
  EXPECT_LE(served, data.size() + data.size() / 4) << "parts overlap little";
  EXPECT_FALSE(fs::exists(net::validator_path(part))) << "complete: nothing to resume";
}

TEST_F(HttpFetchTest, ASourceWithoutRangesOrASmallFileUsesOneConnection) {
  auto data = make_test_bytes(4 * 1024 * 1024, 32);
  files.add_file("x.bin", data);
  auto out = fetch(files.base_url() + "/files/x.bin?rate=40000000"); // no Accept-Ranges
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(files.requests().size(), 1u);
  piece_size = 4 * 1024 * 1024; // the file is less than two pieces
  auto small = fetch(files.base_url() + "/files/x.bin?ranges=1&rate=40000000");
  ASSERT_TRUE(small.ok) << small.message;
  EXPECT_EQ(files.requests().size(), 2u);
  EXPECT_EQ(small.sha256, sha256_hex(data));
}

TEST_F(HttpFetchTest, APartThatStallsStartsAgainOnAFreshConnectionWithoutARetry) {
  auto data = make_test_bytes(4 * 1024 * 1024, 33);
  files.add_file("x.bin", data);
  stall_timeout = std::chrono::milliseconds{300};
  auto out = fetch(files.base_url() + "/files/x.bin?ranges=1&rate=8000000&stall_once_at=3000000");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, sha256_hex(data));
  EXPECT_EQ(retries.load(), 0);
  bool from_the_stall = false; // a request that starts where a part stopped, not at a piece
  for (const auto& r : files.ranges())
    from_the_stall = from_the_stall || r.starts_with("bytes=3000000-");
  EXPECT_TRUE(from_the_stall);
}

TEST_F(HttpFetchTest, ASourceThatLimitsConnectionsIsFetchedOverThoseItTakes) {
  auto data = make_test_bytes(4 * 1024 * 1024, 37);
  files.add_file("x.bin", data);
  // Capped per connection, and any connection beyond two is closed unanswered.
  auto out = fetch(files.base_url() + "/files/x.bin?ranges=1&rate=4000000&max_open=2");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, sha256_hex(data));
  EXPECT_EQ(retries.load(), 0);
  auto served = files.bytes_served();
  auto unanswered = std::count(served.begin(), served.end(), 0u);
  EXPECT_GE(unanswered, 1) << "it did try more connections";
  // The step that met the limit, and a reconnect or two before the source
  // saw a cut connection go; a transfer that went on adding would hit 16.
  EXPECT_LE(unanswered, 6) << "refused once, it stops adding connections";
}

TEST_F(HttpFetchTest, APartResetMidwayIsFetchedAgainFromWhereItStopped) {
  auto data = make_test_bytes(4 * 1024 * 1024, 34);
  files.add_file("x.bin", data);
  auto out = fetch(files.base_url() + "/files/x.bin?ranges=1&rate=8000000&reset_once_at=2500000");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, sha256_hex(data));
  EXPECT_EQ(retries.load(), 0);
}

TEST_F(HttpFetchTest, AFileThatChangesBetweenItsPartsIsFetchedAgainNeverStitched) {
  auto old_data = make_test_bytes(4 * 1024 * 1024, 35);
  auto new_data = make_test_bytes(4 * 1024 * 1024, 36);
  files.add_file("x.bin", old_data);
  std::atomic<bool> changed{false};
  on_bytes = [&](std::uint64_t bytes) {
    if (bytes > 1024 * 1024 && !changed.exchange(true))
      files.add_file("x.bin", new_data); // a new version, with a new ETag
  };
  auto out = fetch(files.base_url() + "/files/x.bin?ranges=1&rate=8000000");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_TRUE(changed.load());
  EXPECT_EQ(out.sha256, sha256_hex(new_data)) << "one version, all of it";
  auto if_ranges = files.if_ranges();
  EXPECT_NE(std::find(if_ranges.begin(), if_ranges.end(), files.etag("x.bin")), if_ranges.end())
      << "its parts name the version they continue";
}

TEST_F(HttpFetchTest, AFailedTransferInPartsResumesOnlyTheBytesThatDidNotLand) {
  auto data = make_test_bytes(4 * 1024 * 1024, 37);
  files.add_file("x.bin", data);
  content_sha256 = sha256_hex(data); // named by its content: no validator needed to resume
  max_part_restarts = 0;
  auto cut = fetch(files.base_url() + "/files/x.bin?ranges=1&rate=8000000&reset_once_at=3000000");
  ASSERT_EQ(cut.code, download_errc::connection_reset) << cut.message;
  auto kept = net::read_partial(part);
  ASSERT_GT(kept.size, 0u);
  EXPECT_EQ(kept.validator, "sha256:" + content_sha256);
  auto before = files.requests().size();

  max_part_restarts = 16;
  auto out = fetch(files.base_url() + "/files/x.bin?ranges=1&rate=8000000");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, sha256_hex(data));
  EXPECT_EQ(out.resumed_from, kept.size);
  // Every request starts in a gap of what had landed. (Not the bytes the
  // server sent: it writes ahead in steps that a connection cut at a landed
  // range has not read, so that count depends on timing.)
  auto gaps = kept.landed.gaps(data.size());
  auto ranges = files.ranges();
  for (auto i = before; i < ranges.size(); ++i) {
    ASSERT_TRUE(ranges[i].starts_with("bytes=")) << "request " << i << " asked for the whole file";
    auto first = std::stoull(ranges[i].substr(6));
    auto in_gap = [first](const net::byte_span& g) { return g.begin <= first && first < g.end; };
    EXPECT_TRUE(std::any_of(gaps.begin(), gaps.end(), in_gap))
        << ranges[i] << " asks again for bytes that had landed";
  }
  auto if_ranges = files.if_ranges();
  for (auto i = before; i < if_ranges.size(); ++i)
    EXPECT_EQ(if_ranges[i], "") << "the content's name is the validator";
}

TEST_F(HttpFetchTest, AnExpiredSignedUrlIsResolvedAgainFromTheOriginAndTheTransferGoesOn) {
  auto data = make_test_bytes(4 * 1024 * 1024, 38);
  files.add_file("x.bin", data);
  auto out = fetch(files.base_url() + "/signed/x.bin?ranges=1&rate=8000000&expire_sig_after=6");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, sha256_hex(data));
  EXPECT_EQ(retries.load(), 0);
  std::size_t origin = 0;
  std::size_t cdn = 0;
  for (const auto& target : files.requests())
    (target.starts_with("/signed/") ? origin : cdn) += 1;
  EXPECT_GE(origin, 3u) << "asked the origin again each time the signature expired";
  EXPECT_LE(origin * 2, cdn) << "the parts reused each signed URL: resolved once per signature";
}

// -- mirrors: other places that serve a file named by its content ---------------

namespace {

/// Mirror `name` on `server`, serving its `/files/x.bin` as `query` says.
blob_source mirror_at(const std::string& name, const test_file_server& server,
                      const std::string& query, const std::string& token = {}) {
  return {name, server.base_url() + "/files/x.bin" + query, token};
}

/// The bytes `out` says came from source `name`.
std::uint64_t bytes_from(const net::fetch_outcome& out, const std::string& name) {
  for (const auto& s : out.sources)
    if (s.name == name)
      return s.bytes;
  return 0;
}

} // namespace

TEST_F(HttpFetchTest, TwoMirrorsDeliverTheWholeFileBetweenThemAndTheOriginIsNeverAsked) {
  auto data = make_test_bytes(4 * 1024 * 1024, 41);
  files.add_file("x.bin", data); // the origin
  test_file_server a, b;
  a.add_file("x.bin", data);
  b.add_file("x.bin", data);
  content_sha256 = sha256_hex(data);
  expected_size = data.size();
  // Capped per connection, so that the transfer adds connections; each
  // mirror answers only its own token.
  mirrors = {mirror_at("hive a", a, "?rate=4000000&bearer=ta", "ta"),
             mirror_at("hive b", b, "?rate=4000000&bearer=tb", "tb")};
  auto out = fetch(files.base_url() + "/files/x.bin", "origin-token");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, content_sha256);
  EXPECT_TRUE(files.requests().empty()) << "the origin saw no request";
  EXPECT_TRUE(dropped.empty()) << dropped.front();
  EXPECT_GT(sum(a.bytes_served()), 0u) << "parts spread over both mirrors";
  EXPECT_GT(sum(b.bytes_served()), 0u) << "parts spread over both mirrors";
  EXPECT_LE(sum(a.bytes_served()) + sum(b.bytes_served()), data.size() + data.size() / 4);
  for (const auto& auth : a.authorizations())
    EXPECT_EQ(auth, "Bearer ta");
  for (const auto& auth : b.authorizations())
    EXPECT_EQ(auth, "Bearer tb");
  for (const auto& range : a.ranges())
    EXPECT_TRUE(range.starts_with("bytes=")) << "a mirror is always asked for a range";
  EXPECT_EQ(bytes_from(out, "hive a") + bytes_from(out, "hive b"), data.size());
  EXPECT_EQ(bytes_from(out, "origin"), 0u);
  EXPECT_EQ(fs::file_size(part), data.size());
}

TEST_F(HttpFetchTest, AMirrorThatResetsMidwayIsReplacedByTheOtherAtTheSameOffset) {
  auto data = make_test_bytes(4 * 1024 * 1024, 42);
  files.add_file("x.bin", data);
  test_file_server a, b;
  a.add_file("x.bin", data);
  b.add_file("x.bin", data);
  content_sha256 = sha256_hex(data);
  expected_size = data.size();
  // Within the first piece, which the first connection asks of the first mirror.
  mirrors = {mirror_at("hive a", a, "?rate=4000000&reset_once_at=100000"),
             mirror_at("hive b", b, "?rate=4000000")};
  auto out = fetch(files.base_url() + "/files/x.bin");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, content_sha256);
  EXPECT_TRUE(files.requests().empty()) << "the other mirror was enough";
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_TRUE(dropped[0].starts_with("hive a: ")) << dropped[0];
  auto ranges = b.ranges();
  EXPECT_NE(std::find_if(ranges.begin(), ranges.end(),
                         [](const std::string& r) { return r.starts_with("bytes=100000-"); }),
            ranges.end())
      << "the broken part went on where it stopped";
  auto served = sum(a.bytes_served()) + sum(b.bytes_served());
  EXPECT_GE(served, data.size());
  // Within the bound of any transfer in parts (an answer cut where another
  // connection took over its back half sent some bytes that were not read).
  EXPECT_LE(served, data.size() + data.size() / 4) << "only what was in flight came twice";
  EXPECT_EQ(bytes_from(out, "hive a") + bytes_from(out, "hive b"), data.size());
  EXPECT_GE(bytes_from(out, "hive a"), 100000u);
}

TEST_F(HttpFetchTest, WhenEveryMirrorFailsTheOriginFinishesFromWhereTheyStopped) {
  auto data = make_test_bytes(4 * 1024 * 1024, 43);
  files.add_file("x.bin", data);
  test_file_server a, b;
  a.add_file("x.bin", data);
  b.add_file("x.bin", data);
  content_sha256 = sha256_hex(data);
  expected_size = data.size();
  mirrors = {mirror_at("hive a", a, "?rate=4000000&reset_once_at=100000"),
             mirror_at("hive b", b, "?status=503")};
  auto out = fetch(files.base_url() + "/files/x.bin?rate=8000000");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, content_sha256);
  EXPECT_EQ(sha256_hex(read_file(part)), content_sha256);
  EXPECT_EQ(dropped.size(), 2u);
  EXPECT_EQ(retries.load(), 0) << "a mirror's 503 is not the transfer's";
  auto ranges = files.ranges();
  EXPECT_NE(std::find_if(ranges.begin(), ranges.end(),
                         [](const std::string& r) { return r.starts_with("bytes=100000-"); }),
            ranges.end())
      << "the origin went on where the mirror stopped";
  EXPECT_GE(bytes_from(out, "hive a"), 100000u);
  EXPECT_EQ(bytes_from(out, "hive b"), 0u);
  EXPECT_EQ(bytes_from(out, "hive a") + bytes_from(out, "origin"), data.size());
  EXPECT_LE(sum(files.bytes_served()), data.size() - 100000 + 1) << "no byte twice";
}

TEST_F(HttpFetchTest, AMirrorWithAnotherSizeOrThatRefusesItsTokenIsDroppedAtOnce) {
  auto data = make_test_bytes(1024 * 1024, 44);
  files.add_file("x.bin", data);
  test_file_server a, b;
  a.add_file("x.bin", data + "more");
  b.add_file("x.bin", data);
  content_sha256 = sha256_hex(data);
  expected_size = data.size();
  mirrors = {mirror_at("hive a", a, ""), mirror_at("hive b", b, "?bearer=right", "wrong")};
  auto out = fetch(files.base_url() + "/files/x.bin");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, content_sha256);
  EXPECT_EQ(a.requests().size(), 1u);
  EXPECT_EQ(b.requests().size(), 1u);
  ASSERT_EQ(dropped.size(), 2u);
  EXPECT_NE(dropped[0].find("expected " + std::to_string(data.size())), std::string::npos)
      << dropped[0];
  EXPECT_NE(dropped[1].find("401"), std::string::npos) << dropped[1];
  EXPECT_EQ(bytes_from(out, "origin"), data.size());
  EXPECT_EQ(out.sources.size(), 1u);
}

TEST_F(HttpFetchTest, ASmallFileComesFromAMirrorInOneRequest) {
  auto data = make_test_bytes(100 * 1000, 45);
  files.add_file("x.bin", data);
  test_file_server a;
  a.add_file("x.bin", data);
  content_sha256 = sha256_hex(data);
  mirrors = {mirror_at("hive a", a, "")}; // the size comes from its answer
  auto out = fetch(files.base_url() + "/files/x.bin");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, content_sha256);
  EXPECT_TRUE(files.requests().empty());
  EXPECT_EQ(a.ranges(), std::vector<std::string>{"bytes=0-"});
  ASSERT_EQ(out.sources.size(), 1u);
  EXPECT_EQ(out.sources[0].name, "hive a");
  EXPECT_EQ(out.sources[0].bytes, data.size());
}

TEST_F(HttpFetchTest, ASmallFileTriesItsMirrorsInTurnThenTheOriginFromWhereTheLastStopped) {
  auto data = make_test_bytes(1024 * 1024, 46);
  files.add_file("x.bin", data);
  test_file_server a, b;
  a.add_file("x.bin", data);
  b.add_file("x.bin", data);
  content_sha256 = sha256_hex(data);
  piece_size = 4 * 1024 * 1024; // the file is less than two pieces: one connection
  mirrors = {mirror_at("hive a", a, "?reset_once_at=300000"),
             mirror_at("hive b", b, "?reset_once_at=700000")};
  auto out = fetch(files.base_url() + "/files/x.bin");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, content_sha256);
  EXPECT_EQ(a.ranges(), std::vector<std::string>{"bytes=0-"});
  EXPECT_EQ(b.ranges(), std::vector<std::string>{"bytes=300000-1048575"});
  // Where the origin's URL leads (one byte), then the rest.
  EXPECT_EQ(files.ranges(), (std::vector<std::string>{"bytes=0-0", "bytes=700000-1048575"}));
  EXPECT_EQ(bytes_from(out, "hive a"), 300000u);
  EXPECT_EQ(bytes_from(out, "hive b"), 400000u);
  EXPECT_EQ(bytes_from(out, "origin"), data.size() - 700000);
}

TEST_F(HttpFetchTest, AMirrorThatStallsIsDroppedAfterTheStallTimeout) {
  auto data = make_test_bytes(1024 * 1024, 48);
  files.add_file("x.bin", data);
  test_file_server a, b;
  a.add_file("x.bin", data);
  b.add_file("x.bin", data);
  content_sha256 = sha256_hex(data);
  piece_size = 4 * 1024 * 1024;
  stall_timeout = std::chrono::milliseconds{300};
  mirrors = {mirror_at("hive a", a, "?stall_once_at=100000"), mirror_at("hive b", b, "")};
  auto out = fetch(files.base_url() + "/files/x.bin");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_EQ(out.sha256, content_sha256);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_NE(dropped[0].find("stall timeout"), std::string::npos) << dropped[0];
  EXPECT_EQ(b.ranges(), std::vector<std::string>{"bytes=100000-1048575"});
  EXPECT_TRUE(files.requests().empty());
}

TEST_F(HttpFetchTest, MirrorsServeOnlyAFileNamedByItsContent) {
  auto data = make_test_bytes(100 * 1000, 47);
  files.add_file("x.bin", data);
  test_file_server a;
  a.add_file("x.bin", data);
  mirrors = {mirror_at("hive a", a, "")};
  auto out = fetch(files.base_url() + "/files/x.bin");
  ASSERT_TRUE(out.ok) << out.message;
  EXPECT_TRUE(a.requests().empty()) << "without a digest, other bytes could pass for these";
  EXPECT_EQ(bytes_from(out, "origin"), data.size());
}
