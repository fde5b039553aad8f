// One download through a storm of faults: resets at many offsets, answers
// longer than they announce, stalls and 5xx answers, in a seeded (so
// reproducible) order. After every attempt the daemon must still answer, the
// catalog must be untouched, and whatever partial file is left must be one
// the next attempt can continue; at the end the bytes must be right.

#include "net/host/part_file.hpp"
#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_file_server.hpp"

#include <algorithm>
#include <random>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

class FaultDownloadTest : public runtime_fixture {
protected:
  void SetUp() override {
    runtime_fixture::SetUp();
    auto settings = default_settings();
    // Longer than the 200 ms the server waits before a reset, so that a reset
    // is never taken for a stall on a loaded machine.
    settings.jobs.stall_timeout = std::chrono::milliseconds{700};
    settings.jobs.retry_backoff = std::chrono::milliseconds{1};
    restart(settings);
  }

  /// Fails the test unless every partial file under the models folder is
  /// one a resume can use: it has a validator and holds a prefix of `data`.
  void expect_only_usable_partials(const std::string& data, const std::string& when) {
    for (const auto& part : files_ending(".part")) {
      auto partial = net::read_partial(part);
      EXPECT_TRUE(partial.size > 0 && partial.size == fs::file_size(part))
          << when << ": " << part << " cannot be resumed";
      auto bytes = read_file(part);
      EXPECT_TRUE(bytes.size() <= data.size() && data.compare(0, bytes.size(), bytes) == 0)
          << when << ": " << part << " is not a prefix of the file";
    }
    for (const auto& record : files_ending(".validator"))
      EXPECT_TRUE(fs::exists(record.string().substr(0, record.string().size() - 10)))
          << when << ": " << record << " belongs to no partial file";
  }

  test_file_server files;
};

/// One injected fault: the query that causes it and the error it must give.
struct fault {
  std::string query;
  std::string code;
};

fault pick_fault(std::mt19937& rng, std::uint64_t rest) {
  auto offset = [&] { return std::to_string(1 + rng() % std::max<std::uint64_t>(rest / 2, 1)); };
  switch (rng() % 4) {
    case 0:
      return {"reset_after=" + offset(), "connection_reset"};
    case 1:
      return {"stall_after=" + offset(), "stalled"};
    case 2:
      return {"status=" + std::to_string(500 + rng() % 5), "http_status"};
    default: // claims less than it sends: what arrives does not match the digest
      return {"announce=" + offset(), "checksum_mismatch"};
  }
}

} // namespace

TEST_F(FaultDownloadTest, ASeededStormOfFaultsNeverStrandsOrCorruptsAnything) {
  files.add_file("keep.gguf", "a model that the faults must not touch");
  ASSERT_EQ(follow(start_download("url:" + files.base_url() + "/files/keep.gguf")).final_data(),
            "[DONE]");
  const auto catalog = get("/v1/models").body;
  const auto data = make_test_bytes(3 * 1024 * 1024, 21);
  files.add_file("f.gguf", data);
  const auto source = "url:" + files.base_url() + "/files/f.gguf";

  std::mt19937 rng{20261202};
  for (int attempt = 1; attempt <= 12; ++attempt) {
    auto kept = files_ending(".part");
    auto rest = data.size() - (kept.empty() ? 0 : fs::file_size(kept.front()));
    auto f = pick_fault(rng, rest);
    auto when = "attempt " + std::to_string(attempt) + " (" + f.query + ")";
    auto why = follow(start_download(source + "?" + f.query, sha256_hex(data))).final_data();
    EXPECT_EQ(why.rfind("[ERROR] " + f.code + ": ", 0), 0u) << when << ": " << why;
    EXPECT_EQ(get("/health").status, 200u) << when;
    EXPECT_EQ(get("/v1/models").body, catalog) << when;
    expect_only_usable_partials(data, when);
  }
  // A job with a sha256 names its bytes: it resumes without asking the
  // source's validator (If-Range), and the final hash decides.
  auto ranges = files.ranges();
  EXPECT_NE(std::find_if(ranges.begin(), ranges.end(),
                         [](const std::string& r) { return r.starts_with("bytes=") && r != "bytes=0-"; }),
            ranges.end())
      << "no attempt resumed what an earlier one had kept";

  auto last = follow(start_download(source, sha256_hex(data)));
  ASSERT_EQ(last.final_data(), "[DONE]");
  EXPECT_EQ(sha256_hex(read_file(models_dir / "f" / "f.gguf")), sha256_hex(data));
  EXPECT_TRUE(files_ending(".part").empty());
  EXPECT_TRUE(files_ending(".validator").empty());
  EXPECT_EQ(read_file(models_dir / "keep" / "keep.gguf"), "a model that the faults must not touch");
}
