// The request guard alone: which requests a web page or a stranger cannot make.

#include "net/request_guard.hpp"

#include <gtest/gtest.h>

using namespace hive;
using namespace hive::net;

namespace {

http_request_view request(std::string method, std::string path, std::string host) {
  http_request_view req;
  req.method = std::move(method);
  req.path = std::move(path);
  req.host = std::move(host);
  return req;
}

/// The refusal's code, or nullopt when the request passes.
std::optional<api_errc> verdict(const http_request_view& req, const access_policy& policy = {},
                                std::string_view listen_host = "127.0.0.1") {
  auto refused = check_request(req, policy, listen_host);
  if (!refused)
    return std::nullopt;
  EXPECT_FALSE(refused->message.empty());
  return refused->code;
}

} // namespace

TEST(RequestGuardTest, AnswersOnlyLoopbackNamesTheListenAddressAndAllowedHosts) {
  for (const char* host : {"localhost", "localhost:7835", "LocalHost:7835", "127.0.0.1",
                           "127.0.0.1:7835", "[::1]", "[::1]:7835"})
    EXPECT_EQ(verdict(request("GET", "/v1/jobs", host)), std::nullopt) << host;
  for (const char* host :
       {"evil.example", "evil.example:7835", "localhost.evil.example", "127.0.0.1.evil.example", "",
        "localhost:x", "[::1", "[::1]x", "a:b:c", "192.168.1.5:7835"})
    EXPECT_EQ(verdict(request("GET", "/v1/jobs", host)), api_errc::forbidden_host) << host;
  // Even the page: a rebound name must not read it either.
  EXPECT_EQ(verdict(request("GET", "/", "evil.example")), api_errc::forbidden_host);
  EXPECT_EQ(verdict(request("GET", "/v1/jobs", "192.168.1.5:7835"), {}, "192.168.1.5"),
            std::nullopt);
  EXPECT_EQ(verdict(request("GET", "/v1/jobs", "[fd00::5]:7835"), {}, "fd00::5"), std::nullopt);
  access_policy proxied{{"models.example"}, {}};
  EXPECT_EQ(verdict(request("GET", "/v1/jobs", "Models.Example"), proxied), std::nullopt);
  EXPECT_EQ(verdict(request("GET", "/v1/jobs", "models.example:443"), proxied), std::nullopt);
  EXPECT_EQ(verdict(request("GET", "/v1/jobs", "other.example"), proxied),
            api_errc::forbidden_host);
}

TEST(RequestGuardTest, StateChangesFromAnotherOriginAreRefused) {
  auto post = request("POST", "/v1/jobs", "127.0.0.1:7835");
  post.content_type = "application/json";
  post.body = "{}";
  EXPECT_EQ(verdict(post), std::nullopt); // the CLI sends no Origin
  post.origin = "http://127.0.0.1:7835";  // the page itself
  EXPECT_EQ(verdict(post), std::nullopt);
  for (const char* origin : {"http://evil.example", "http://localhost:7835",
                             "http://127.0.0.1:8080", "null", "127.0.0.1:7835"}) {
    post.origin = origin;
    EXPECT_EQ(verdict(post), api_errc::forbidden_origin) << origin;
  }
  for (const char* method : {"PUT", "PATCH", "DELETE"}) {
    auto req = request(method, "/v1/models/x", "localhost:7835");
    req.origin = "https://evil.example";
    EXPECT_EQ(verdict(req), api_errc::forbidden_origin) << method;
  }
  // Reads are not refused for their origin: the Host check and CORS keep them private.
  auto get = request("GET", "/v1/jobs", "localhost:7835");
  get.origin = "http://evil.example";
  EXPECT_EQ(verdict(get), std::nullopt);
  // Behind a TLS proxy the page's origin is https and the Host the proxy forwards.
  auto proxied = request("POST", "/v1/jobs/j/cancel", "models.example");
  proxied.origin = "https://models.example";
  EXPECT_EQ(verdict(proxied, {{"models.example"}, {}}), std::nullopt);
}

TEST(RequestGuardTest, BodiesMustBeJson) {
  auto post = request("POST", "/v1/jobs", "localhost");
  post.body = R"({"operation":"model_list"})";
  for (const char* type : {"", "text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "application/jsonp"}) {
    post.content_type = type;
    EXPECT_EQ(verdict(post), api_errc::unsupported_media_type) << type;
  }
  for (const char* type :
       {"application/json", "Application/JSON", "application/json; charset=utf-8"}) {
    post.content_type = type;
    EXPECT_EQ(verdict(post), std::nullopt) << type;
  }
  // A cancel has no body to type.
  EXPECT_EQ(verdict(request("POST", "/v1/jobs/j/cancel", "localhost")), std::nullopt);
}

TEST(RequestGuardTest, TheTokenGuardsTheApiButNotHealthNorThePage) {
  access_policy policy{{}, "s3cret-token"};
  auto req = request("GET", "/v1/jobs", "localhost");
  EXPECT_EQ(verdict(req, policy), api_errc::unauthorized);
  for (const char* wrong : {"Bearer s3cret-tokeN", "Bearer s3cret-token ", "Bearer s3cret",
                            "Basic s3cret-token", "s3cret-token", "Bearer "}) {
    req.authorization = wrong;
    EXPECT_EQ(verdict(req, policy), api_errc::unauthorized) << wrong;
  }
  for (const char* right : {"Bearer s3cret-token", "bearer s3cret-token"}) {
    req.authorization = right;
    EXPECT_EQ(verdict(req, policy), std::nullopt) << right;
  }
  EXPECT_EQ(verdict(request("GET", "/v1", "localhost"), policy), api_errc::unauthorized);
  // The router skips empty segments: these reach the API as well.
  for (const char* path : {"//v1/jobs", "///v1/models/x", "/", "/app.js"}) {
    auto method = std::string_view{path}.starts_with("//") ? "GET" : "POST";
    EXPECT_EQ(verdict(request(method, path, "localhost"), policy), api_errc::unauthorized) << path;
  }
  EXPECT_EQ(verdict(request("GET", "/health", "localhost"), policy), std::nullopt);
  EXPECT_EQ(verdict(request("GET", "/", "localhost"), policy), std::nullopt);
  EXPECT_EQ(verdict(request("GET", "/app.js", "localhost"), policy), std::nullopt);
  // A token does not let a rebound name in.
  auto rebound = request("GET", "/v1/jobs", "evil.example");
  rebound.authorization = "Bearer s3cret-token";
  EXPECT_EQ(verdict(rebound, policy), api_errc::forbidden_host);
}

TEST(RequestGuardTest, BlobRequestsAreLeftToTheirRouteWhichWantsTheClusterToken) {
  access_policy policy{{}, "api-token", "cluster-token"};
  auto blob = request("GET", "/v1/blobs/sha256/abc", "localhost");
  EXPECT_EQ(verdict(blob, policy), std::nullopt);
  // Only the exact prefix: another spelling the router also takes for a blob
  // needs the API token besides the cluster token.
  EXPECT_EQ(verdict(request("GET", "//v1/blobs/sha256/abc", "localhost"), policy),
            api_errc::unauthorized);
  // Without a cluster secret the route is off, and the API token rules.
  access_policy api_only{{}, "api-token", ""};
  EXPECT_EQ(verdict(blob, api_only), api_errc::unauthorized);
  // The host rules come first.
  EXPECT_EQ(verdict(request("GET", "/v1/blobs/sha256/abc", "evil.example"), policy),
            api_errc::forbidden_host);
  EXPECT_TRUE(bearer_matches("Bearer cluster-token", "cluster-token"));
  EXPECT_FALSE(bearer_matches("Bearer cluster-tokeN", "cluster-token"));
}
