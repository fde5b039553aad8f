// The web page is served from the binary with the right types, caching and policy.

#include "tests/support/raw_http.hpp"
#include "tests/support/runtime_fixture.hpp"

using namespace hive;
using namespace hive::test;

namespace {

class WebPageTest : public runtime_fixture {
protected:
  struct answer {
    std::string head; // status line and headers, lower-cased
    std::string body;
  };

  /// One request on its own connection, with the raw head for header checks.
  answer fetch(const std::string& method, const std::string& target) {
    auto raw = raw_exchange(
        runtime->port(),
        method + " " + target
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    auto split = raw.find("\r\n\r\n");
    EXPECT_NE(split, std::string::npos) << raw;
    answer a{raw.substr(0, split), raw.substr(split + 4)};
    for (auto& c : a.head)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return a;
  }

  static void expect_page_headers(const answer& a, const std::string& content_type) {
    EXPECT_EQ(a.head.rfind("http/1.1 200", 0), 0u) << a.head;
    EXPECT_NE(a.head.find("\r\ncontent-type: " + content_type), std::string::npos) << a.head;
    EXPECT_NE(a.head.find("\r\ncache-control: no-cache"), std::string::npos) << a.head;
    EXPECT_NE(a.head.find("\r\ncontent-security-policy: default-src 'none'; script-src 'self';"),
              std::string::npos)
        << a.head;
    EXPECT_NE(a.head.find("\r\nx-content-type-options: nosniff"), std::string::npos) << a.head;
  }
};

} // namespace

TEST_F(WebPageTest, ServesThePageAndItsFiles) {
  auto page = fetch("GET", "/");
  expect_page_headers(page, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<script src=\"/app.js\" defer></script>"), std::string::npos);
  EXPECT_EQ(fetch("GET", "/index.html").body, page.body);

  auto script = fetch("GET", "/app.js");
  expect_page_headers(script, "text/javascript; charset=utf-8");
  EXPECT_NE(script.body.find("Accept: 'text/event-stream'"), std::string::npos);

  auto style = fetch("GET", "/app.css");
  expect_page_headers(style, "text/css; charset=utf-8");
  EXPECT_FALSE(style.body.empty());
}

TEST_F(WebPageTest, OtherPathsAndMethodsStillGetTheApisJsonErrors) {
  for (const auto* target : {"/app.jsx", "/web/app.js", "/v1/index.html", "/v1/nothing"}) {
    auto missing = fetch("GET", target);
    EXPECT_EQ(missing.head.rfind("http/1.1 404", 0), 0u) << target << "\n" << missing.head;
    EXPECT_NE(missing.head.find("content-type: application/json"), std::string::npos);
    EXPECT_NE(missing.body.find(R"("code":"not_found")"), std::string::npos) << missing.body;
  }
  auto post = fetch("POST", "/");
  EXPECT_EQ(post.head.rfind("http/1.1 404", 0), 0u) << post.head;
  EXPECT_NE(post.body.find(R"({"error":)"), std::string::npos) << post.body;
}
