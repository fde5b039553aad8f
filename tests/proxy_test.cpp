#include "net/proxy.hpp"

#include <gtest/gtest.h>

using namespace hive::net;

namespace {

std::string route(const proxy_settings& settings, const std::string& target) {
  auto choice = settings.proxy_for(*parse_url(target));
  if (!choice.error.empty())
    return "error";
  return choice.proxy ? choice.proxy->authority() : "direct";
}

} // namespace

TEST(ProxyTest, PicksTheProxyOfTheTargetScheme) {
  proxy_settings s{"http://secure-proxy:3128", "plain-proxy:8080", ""};
  EXPECT_EQ(route(s, "https://huggingface.co/x"), "secure-proxy:3128");
  EXPECT_EQ(route(s, "http://example.org/x"), "plain-proxy:8080");
  EXPECT_EQ(route(proxy_settings{}, "https://huggingface.co/x"), "direct");
}

TEST(ProxyTest, NoProxyBypassesHostsAndTheirSubdomains) {
  proxy_settings s{"http://p:3128", "http://p:3128", " localhost,.internal , cdn.example.org:443"};
  EXPECT_EQ(route(s, "https://localhost:8443/x"), "direct");
  EXPECT_EQ(route(s, "https://a.b.internal/x"), "direct");
  EXPECT_EQ(route(s, "https://internal/x"), "direct");
  EXPECT_EQ(route(s, "https://CDN.example.org/x"), "direct");
  EXPECT_EQ(route(s, "https://x.cdn.example.org/x"), "direct");
  EXPECT_EQ(route(s, "https://notinternal/x"), "p:3128");
  EXPECT_EQ(route(s, "https://example.org/x"), "p:3128");
  EXPECT_EQ(route(proxy_settings{"http://p:3128", "", "*"}, "https://anything/x"), "direct");
}

TEST(ProxyTest, AnUnusableProxyIsAnErrorNotASilentDirectConnection) {
  EXPECT_EQ(route(proxy_settings{"https://p:3128", "", ""}, "https://h/x"), "error");
  EXPECT_EQ(route(proxy_settings{"http://p:notaport", "", ""}, "https://h/x"), "error");
}
