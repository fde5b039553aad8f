#include "net/url.hpp"

#include <gtest/gtest.h>
#include <initializer_list>
#include <string_view>
#include <utility>

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

TEST(UrlTest, EncodesARawUtf8FileNameAndDecodesItBack) {
  auto u = parse_url("https://h/dir/mod\xc3\xa8le \xe2\x9c\x93.gguf?x=\xc3\xa9");
  EXPECT_FALSE(u); // the space
  u = parse_url("https://h/dir/mod\xc3\xa8le\xe2\x9c\x93.gguf?x=\xc3\xa9#\xc3\xa9");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->target, "/dir/mod%C3%A8le%E2%9C%93.gguf?x=%C3%A9");
  EXPECT_EQ(file_name_of(*u), "mod\xc3\xa8le\xe2\x9c\x93.gguf");
  EXPECT_EQ(parse_url(u->str())->target, u->target); // the wire form stays as it is
}

TEST(UrlTest, EncodesAsciiThatRfc3986DoesNotAllow) {
  auto u = parse_url("http://h/a|b^c{d}\"e\"<f>\\g`[1]%zz.gguf?q=[x]#f#g");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->target, "/a%7Cb%5Ec%7Bd%7D%22e%22%3Cf%3E%5Cg%60%5B1%5D%25zz.gguf?q=%5Bx%5D");
  EXPECT_EQ(file_name_of(*u), "a|b^c{d}\"e\"<f>\\g`[1]%zz.gguf");
  EXPECT_EQ(parse_url("http://[::1]:8080/[x]")->target, "/%5Bx%5D");
}

TEST(UrlTest, ResolvesARawUtf8Location) {
  auto base = *parse_url("https://hub.example/org/repo/resolve/main/a.gguf");
  auto next = resolve_location(base, "/files/\xc3\xa9t\xc3\xa9 v2|1.gguf");
  EXPECT_FALSE(next); // the space
  next = resolve_location(base, "../../x/\xc3\xa9t\xc3\xa9|1.gguf?sig=\xc3\xa9");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->str(), "https://hub.example/org/repo/x/%C3%A9t%C3%A9%7C1.gguf?sig=%C3%A9");
  EXPECT_EQ(file_name_of(*next), "\xc3\xa9t\xc3\xa9|1.gguf");
  next = resolve_location(base, "https://cdn.example/\xc3\xa9.gguf");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->str(), "https://cdn.example/%C3%A9.gguf");
}

TEST(UrlTest, ResolvesDotSegmentsAsRfc3986Section5Does) {
  auto base = *parse_url("http://a/b/c/d;p?q");
  for (auto [ref, want] : std::initializer_list<std::pair<const char*, const char*>>{
           {"g", "http://a/b/c/g"},
           {"./g", "http://a/b/c/g"},
           {"g/", "http://a/b/c/g/"},
           {"?y", "http://a/b/c/d;p?y"},
           {"#s", "http://a/b/c/d;p?q"},
           {".", "http://a/b/c/"},
           {"..", "http://a/b/"},
           {"../g", "http://a/b/g"},
           {"../..", "http://a/"},
           {"../../../g", "http://a/g"},
           {"../../../../g", "http://a/g"},
           {"/./g", "http://a/g"},
           {"/../g", "http://a/g"},
           {"/..", "http://a/"},
           {"/../", "http://a/"},
           {"../../", "http://a/"},
           {"..g", "http://a/b/c/..g"},
           {"g/../h", "http://a/b/c/h"},
           {"g;x=1/../y", "http://a/b/c/y"},
           {"g?y/../x", "http://a/b/c/g?y/../x"},
           {"%2e%2e/g", "http://a/b/g"},
           {"https://c/./x/../y", "https://c/y"}}) {
    auto resolved = resolve_location(base, ref);
    ASSERT_TRUE(resolved) << ref;
    EXPECT_EQ(resolved->str(), want) << ref;
  }
  EXPECT_FALSE(resolve_location(base, "http:g")); // no host
}

TEST(UrlTest, StillRefusesSpacesAndControlBytes) {
  auto base = *parse_url("http://h/dir/file");
  for (const char* bad : {"http://h/a b", "http://h/a\tb", "http://h/\x7f", "http://h/\xc3\xa9\n",
                          "http://h /x", "http://h/x?a=b c"}) {
    EXPECT_FALSE(parse_url(bad)) << bad;
    EXPECT_FALSE(resolve_location(base, bad)) << bad;
  }
  EXPECT_FALSE(resolve_location(base, "/a b"));
  EXPECT_FALSE(resolve_location(base, "x\r\ny"));
  EXPECT_FALSE(parse_url(std::string_view{"http://h/a\0b", 12}));
}
