// Over the wire: what a web page or a stranger cannot do, and HEAD.

#include "tests/support/raw_http.hpp"
#include "tests/support/runtime_fixture.hpp"

using namespace hive;
using namespace hive::test;

namespace {

class ApiAccessTest : public runtime_fixture {
protected:
  /// One request on its own connection; `headers` are extra header lines.
  std::string send(const std::string& method, const std::string& target, const std::string& headers,
                   const std::string& body = {}) {
    return raw_exchange(runtime->port(), method + " " + target + " HTTP/1.1\r\n" + headers
                                             + "Content-Length: " + std::to_string(body.size())
                                             + "\r\nConnection: close\r\n\r\n" + body);
  }

  static void expect_refusal(const std::string& answer, const std::string& status,
                             const std::string& code) {
    EXPECT_EQ(answer.rfind("HTTP/1.1 " + status, 0), 0u) << answer;
    EXPECT_NE(answer.find(R"({"error":{"code":")" + code + "\""), std::string::npos) << answer;
  }

  void expect_no_jobs() {
    EXPECT_EQ(get("/v1/jobs").body, R"({"jobs":[]})");
  }

  const std::string download =
      R"({"operation":"model_download","model":"url:http://127.0.0.1:9/a.gguf"})";
};

} // namespace

TEST_F(ApiAccessTest, ARebindingPageCannotReadOrDriveTheApi) {
  ASSERT_EQ(post_job(download).status, 201u);
  auto host = [&](const std::string& name) { return "Host: " + name + "\r\n"; };
  expect_refusal(send("GET", "/v1/jobs", host("evil.example:" + std::to_string(runtime->port()))),
                 "403", "forbidden_host");
  expect_refusal(send("GET", "/", host("evil.example")), "403", "forbidden_host");
  expect_refusal(send("POST", "/v1/jobs",
                      host("evil.example") + "Content-Type: application/json\r\n", download),
                 "403", "forbidden_host");
  EXPECT_EQ(send("GET", "/v1/jobs", host("localhost:7835")).rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_EQ(send("GET", "/health", host("[::1]")).rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(ApiAccessTest, ACrossSitePageCannotStartJobsOrDeleteModels) {
  const std::string local = "Host: 127.0.0.1:" + std::to_string(runtime->port()) + "\r\n";
  // A form or a no-preflight fetch: text/plain, with or without an Origin.
  expect_refusal(send("POST", "/v1/jobs", local + "Content-Type: text/plain\r\n", download), "415",
                 "unsupported_media_type");
  expect_refusal(send("POST", "/v1/jobs",
                      local + "Content-Type: application/x-www-form-urlencoded\r\n", download),
                 "415", "unsupported_media_type");
  expect_refusal(send("POST", "/v1/jobs",
                      local + "Origin: http://evil.example\r\nContent-Type: text/plain\r\n",
                      download),
                 "403", "forbidden_origin");
  expect_refusal(send("DELETE", "/v1/models/any", local + "Origin: http://evil.example\r\n"), "403",
                 "forbidden_origin");
  const std::string cap = R"({"max_rate":1})";
  expect_refusal(send("PATCH", "/v1/jobs/any", local + "Content-Type: text/plain\r\n", cap), "415",
                 "unsupported_media_type");
  expect_refusal(send("PATCH", "/v1/jobs/any",
                      local + "Origin: http://evil.example\r\nContent-Type: application/json\r\n",
                      cap),
                 "403", "forbidden_origin");
  expect_no_jobs();
  // The page's own requests pass.
  auto own = send("POST", "/v1/jobs",
                  local + "Origin: http://127.0.0.1:" + std::to_string(runtime->port())
                      + "\r\nContent-Type: application/json\r\n",
                  download);
  EXPECT_EQ(own.rfind("HTTP/1.1 201", 0), 0u) << own;
}

TEST_F(ApiAccessTest, WithATokenEveryApiRequestNeedsIt) {
  auto settings = default_settings();
  settings.access.api_token = "0123456789abcdef";
  restart(settings);
  auto refused = get("/v1/jobs");
  EXPECT_EQ(refused.status, 401u);
  EXPECT_NE(refused.body.find(R"("code":"unauthorized")"), std::string::npos) << refused.body;
  EXPECT_EQ(post_job(download).status, 401u);
  EXPECT_EQ(call("PATCH", "/v1/jobs/any", R"({"max_rate":1})").status, 401u);
  EXPECT_EQ(net::http_call("GET", base + "/v1/jobs", {}, std::chrono::seconds{5}, "wrong").status,
            401u);
  auto listed = net::http_call("GET", base + "/v1/jobs", {}, std::chrono::seconds{5},
                               settings.access.api_token);
  EXPECT_EQ(listed.status, 200u);
  EXPECT_EQ(listed.body, R"({"jobs":[]})");
  auto started = net::http_call("POST", base + "/v1/jobs", download, std::chrono::seconds{5},
                                settings.access.api_token);
  EXPECT_EQ(started.status, 201u) << started.body;
  // Health checks and the page (which then asks for the token) stay open.
  EXPECT_EQ(get("/health").status, 200u);
  EXPECT_EQ(get("/").status, 200u);
  auto challenge = send("GET", "/v1/models", "Host: localhost\r\n");
  EXPECT_NE(challenge.find("WWW-Authenticate: Bearer"), std::string::npos) << challenge;
}

TEST_F(ApiAccessTest, HeadIsAnsweredWithTheHeadersOfGetAndNoBody) {
  const std::string host = "Host: 127.0.0.1\r\n";
  for (const std::string target : {"/health", "/", "/v1/jobs", "/v1/nope"}) {
    auto get_answer = send("GET", target, host);
    auto head_answer = send("HEAD", target, host);
    auto get_head = get_answer.substr(0, get_answer.find("\r\n\r\n") + 4);
    EXPECT_EQ(head_answer, get_head) << target;
    EXPECT_NE(head_answer.find("Content-Length: "), std::string::npos) << head_answer;
  }
  // On one kept-alive connection, a body after the HEAD answer would be read
  // as the next answer: the GET's must come right after.
  auto both = raw_exchange(runtime->port(), "HEAD /health HTTP/1.1\r\n" + host
                                                + "\r\nGET /health HTTP/1.1\r\n" + host
                                                + "Connection: close\r\n\r\n");
  auto second = both.find("HTTP/1.1 200", 1);
  ASSERT_NE(second, std::string::npos) << both;
  EXPECT_EQ(both.substr(second - 4, 4), "\r\n\r\n") << both;
  EXPECT_EQ(both.substr(both.size() - 15), R"({"status":"ok"})");
}
