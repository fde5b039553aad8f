#include "net/url.hpp"

#include <gtest/gtest.h>

using hive::net::file_name_of;
using hive::net::parse_url;
using hive::net::resolve_location;

TEST(UrlTest, ParsesSchemeHostPortAndTarget) {
  auto u = parse_url("https://Example.org:8443/a/b.gguf?x=1#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "Example.org");
  EXPECT_EQ(u->port, "8443");
  EXPECT_EQ(u->target, "/a/b.gguf?x=1");
  EXPECT_EQ(u->authority(), "Example.org:8443");
  auto plain = parse_url("http://127.0.0.1");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->port, "80");
  EXPECT_EQ(plain->target, "/");
  EXPECT_EQ(plain->str(), "http://127.0.0.1/");
}

TEST(UrlTest, KeepsIpv6LiteralsInBrackets) {
  auto u = parse_url("http://[::1]:8080/a.gguf");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->authority(), "[::1]:8080");
  EXPECT_EQ(u->host_port(), "[::1]:8080");
  EXPECT_EQ(u->str(), "http://[::1]:8080/a.gguf");
  EXPECT_EQ(parse_url(u->str())->host, "::1"); // round-trips
}

TEST(UrlTest, RefusesWhatIsNotAnHttpUrl) {
  for (const char* bad :
       {"", "ftp://h/x", "http://", "http://:80/x", "http://h:0/x", "http://h:99999/x",
        "http://user@h/x", "http://h/a b", "h/x", "http://h:8a/x", "http://h/\x01"})
    EXPECT_FALSE(parse_url(bad)) << bad;
}

TEST(UrlTest, ResolvesEveryKindOfLocation) {
  auto base = *parse_url("http://a.example:8080/dir/file?q=1");
  EXPECT_EQ(resolve_location(base, "https://cdn.example/x")->str(), "https://cdn.example/x");
  EXPECT_EQ(resolve_location(base, "//cdn.example/y")->str(), "http://cdn.example/y");
  EXPECT_EQ(resolve_location(base, "/root?z")->str(), "http://a.example:8080/root?z");
  EXPECT_EQ(resolve_location(base, "other")->str(), "http://a.example:8080/dir/other");
  EXPECT_FALSE(resolve_location(base, ""));
  EXPECT_FALSE(resolve_location(base, "ftp://x/y"));
}

TEST(UrlTest, FileNameIsTheDecodedLastSegment) {
  EXPECT_EQ(file_name_of(*parse_url("http://h/a/model%20v1.gguf?download=1")), "model v1.gguf");
  EXPECT_EQ(file_name_of(*parse_url("http://h/a/")), "");
  EXPECT_EQ(file_name_of(*parse_url("http://h/%2e%2e")), "..");
}
