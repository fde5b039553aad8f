// `GET /v1/jobs/{id}/stream?format=text`, read over loopback by a client that
// parses exactly as rbee's keeper and its queen's forwarder do.

#include "tests/support/raw_http.hpp"
#include "tests/support/rbee_line_client.hpp"
#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_file_server.hpp"

#include <regex>
#include <thread>

using namespace hive;
using namespace hive::test;
using namespace std::chrono_literals;

namespace {

/// `47.1%  312.0 MB / 662.0 MB  85.2 MB/s ×1  ETA 4 s`, the ETA and the
/// connections optional (unknown at first, none once a file is done).
const std::regex progress_line{R"(\d+\.\d%  \d+(\.\d)? [kMGT]?B / \d+(\.\d)? [kMGT]?B  )"
                               R"(\d+(\.\d)? [kMGT]?B/s( \xC3\x97\d+)?(  ETA [0-9a-z ]+)?)"};

bool is_progress(const std::string& line) {
  return std::regex_match(line, progress_line);
}

class TextStreamTest : public runtime_fixture {
protected:
  rbee_transcript read_text(const std::string& job_id) const {
    return read_like_rbee(runtime->port(), "/v1/jobs/" + job_id + "/stream?format=text");
  }

  /// The human text of every narration event of the job's SSE stream.
  std::vector<std::string> narration_of(const std::string& job_id) const {
    std::vector<std::string> out;
    simdjson::dom::parser parser;
    for (const auto& e : follow(job_id).named("narration"))
      out.emplace_back(std::string_view{parse_json(parser, e.data)["human"]});
    return out;
  }

  std::string job_of(const net::http_reply& reply) const {
    simdjson::dom::parser parser;
    std::string_view id;
    EXPECT_EQ(parse_json(parser, reply.body)["job_id"].get(id), simdjson::SUCCESS) << reply.body;
    return std::string{id};
  }

  /// Counts the progress lines of what was printed.
  static std::size_t progress_lines(const rbee_transcript& t) {
    return static_cast<std::size_t>(std::count_if(t.printed.begin(), t.printed.end(), is_progress));
  }

  test_file_server files;
};

} // namespace

TEST_F(TextStreamTest, AFinishedJobPrintsHumanLinesAndEndsWithDone) {
  auto data = make_test_bytes(3 * 1024 * 1024);
  files.add_file("m.gguf", data);
  auto job =
      start_download("url:" + files.base_url() + "/files/m.gguf?rate=2000000", sha256_hex(data));
  auto live = read_text(job);
  EXPECT_EQ(live.status, 200u);
  EXPECT_EQ(live.content_type, "text/event-stream");
  EXPECT_TRUE(live.stopped_at_marker) << live.error;
  ASSERT_FALSE(live.printed.empty());
  EXPECT_EQ(live.printed.back(), "[DONE]");
  EXPECT_GE(progress_lines(live), 1u);
  std::vector<std::string> narration;
  for (std::size_t i = 0; i + 1 < live.printed.size(); ++i) {
    const auto& line = live.printed[i];
    EXPECT_FALSE(line.starts_with("id:") || line.starts_with("event:")) << line;
    EXPECT_EQ(line.find('{'), std::string::npos) << "JSON: " << line;
    if (!is_progress(line))
      narration.push_back(line);
  }
  // Every narration event, as its human text, in order; nothing else.
  EXPECT_EQ(narration, narration_of(job));
  EXPECT_EQ(live.raw.find("\nid:"), std::string::npos);
  EXPECT_EQ(live.raw.find("event:"), std::string::npos);
  EXPECT_EQ(live.raw.rfind("data: ", 0), 0u) << live.raw.substr(0, 200);

  // A late reader gets the same story from the job's history.
  auto late = read_text(job);
  EXPECT_EQ(late.printed.back(), "[DONE]");
  EXPECT_EQ(progress_lines(late), 1u) << "history keeps the latest progress only";
}

TEST_F(TextStreamTest, AFailingJobEndsWithItsErrorCodeAndMessage) {
  auto job = start_download("url:" + files.base_url() + "/status/503/x.gguf");
  auto text = read_text(job);
  EXPECT_TRUE(text.stopped_at_marker) << text.error;
  ASSERT_FALSE(text.printed.empty());
  EXPECT_EQ(text.printed.back().rfind("[ERROR] http_status: ", 0), 0u) << text.printed.back();
  EXPECT_EQ(text.printed.back(), follow(job).final_data()) << "the SSE stream's marker";
}

TEST_F(TextStreamTest, ACancelledJobEndsCancelled) {
  files.add_file("c.gguf", make_test_bytes(16 * 1024 * 1024));
  auto job = start_download("url:" + files.base_url() + "/files/c.gguf?rate=1000000");
  rbee_transcript text;
  std::thread reader{[&] { text = read_text(job); }};
  wait_for_bytes(job);
  auto cancel = call("POST", "/v1/jobs/" + job + "/cancel");
  reader.join();
  EXPECT_EQ(cancel.status, 200u) << cancel.body;
  EXPECT_TRUE(text.stopped_at_marker) << text.error;
  ASSERT_FALSE(text.printed.empty());
  EXPECT_EQ(text.printed.back(), "[CANCELLED]");
}

TEST_F(TextStreamTest, ProgressComesAtMostOnceASecond) {
  // About 4 s at 1 MB/s; the tracker reports progress every 20 ms here.
  files.add_file("slow.gguf", make_test_bytes(4 * 1000 * 1000));
  auto job = start_download("url:" + files.base_url() + "/files/slow.gguf?rate=1000000");
  auto started = std::chrono::steady_clock::now();
  auto text = read_text(job);
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(text.printed.back(), "[DONE]") << text.error;
  auto lines = progress_lines(text);
  EXPECT_GE(lines, 2u);
  // n lines at least a second apart need n - 1 seconds.
  EXPECT_GE(took, std::chrono::seconds{lines - 1}) << lines << " progress lines";
}

TEST_F(TextStreamTest, CatalogAnswersArePrintedAsLines) {
  files.add_file("k.gguf", "keep me");
  ASSERT_EQ(follow(start_download("url:" + files.base_url() + "/files/k.gguf")).final_data(),
            "[DONE]");
  auto list = read_text(job_of(post_job(R"({"operation":"model_list"})")));
  ASSERT_EQ(list.printed.size(), 2u);
  EXPECT_EQ(list.printed[0], "k  7 B  url:" + files.base_url() + "/files/k.gguf");
  EXPECT_EQ(list.printed[1], "[DONE]");
  auto del = read_text(job_of(post_job(R"({"operation":"model_delete","id":"k"})")));
  EXPECT_EQ(del.printed, (std::vector<std::string>{"deleted k", "[DONE]"}));
  auto missing = read_text(job_of(post_job(R"({"operation":"model_get","id":"k"})")));
  ASSERT_EQ(missing.printed.size(), 1u);
  EXPECT_EQ(missing.printed[0].rfind("[ERROR] not_found: ", 0), 0u);
}

TEST_F(TextStreamTest, TextIgnoresLastEventIdAndStartsFromTheBeginning) {
  files.add_file("r.gguf", "resume?");
  auto job = start_download("url:" + files.base_url() + "/files/r.gguf");
  auto whole = read_text(job);
  ASSERT_EQ(whole.printed.back(), "[DONE]");
  auto answer = raw_exchange(runtime->port(), "GET /v1/jobs/" + job
                                                  + "/stream?format=text HTTP/1.1\r\n"
                                                    "Host: 127.0.0.1\r\nLast-Event-ID: 9999\r\n"
                                                    "Connection: close\r\n\r\n");
  EXPECT_NE(answer.find("data: " + whole.printed.front() + "\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("data: [DONE]\n"), std::string::npos);
}

TEST_F(TextStreamTest, AnotherFormatIsRefusedWithAClearError) {
  files.add_file("f.gguf", "x");
  auto job = start_download("url:" + files.base_url() + "/files/f.gguf");
  for (std::string query : {"format=json", "format=", "format=TEXT", "format=%74ext%", "format"}) {
    auto reply = get("/v1/jobs/" + job + "/stream?" + query);
    EXPECT_EQ(reply.status, 400u) << query;
    simdjson::dom::parser parser;
    auto error = parse_json(parser, reply.body)["error"];
    EXPECT_EQ(std::string_view{error["code"]}, "invalid_field") << query;
    EXPECT_NE(std::string_view{error["message"]}.find("format"), std::string_view::npos);
  }
  auto long_value = get("/v1/jobs/" + job + "/stream?format=" + std::string(4000, 'x'));
  EXPECT_EQ(long_value.status, 400u);
  EXPECT_LT(long_value.body.size(), 300u) << "the refused value is not echoed whole";
  EXPECT_EQ(get("/v1/jobs/job-none/stream?format=text").status, 404u);
  // Other parameters are left alone, and the format may be percent-encoded.
  auto text = read_like_rbee(runtime->port(), "/v1/jobs/" + job + "/stream?x=1&format=%74ext");
  EXPECT_EQ(text.printed.back(), "[DONE]");
}
