// The Range header of blob requests, read as RFC 9110 writes it.

#include "net/range_header.hpp"

#include <gtest/gtest.h>

using namespace hive::net;
using kind = range_request::kind;

namespace {

constexpr std::uint64_t size = 1000;

} // namespace

TEST(RangeHeaderTest, NoHeaderAsksForTheWholeBody) {
  EXPECT_EQ(parse_range("", size).what, kind::whole);
  EXPECT_EQ(parse_range("  ", size).what, kind::whole);
}

TEST(RangeHeaderTest, FirstToLastIsInclusive) {
  auto r = parse_range("bytes=100-199", size);
  ASSERT_EQ(r.what, kind::part);
  EXPECT_EQ(r.span, (byte_span{100, 200}));
  EXPECT_EQ(content_range(r.span, size), "bytes 100-199/1000");
}

TEST(RangeHeaderTest, AnOpenEndAndALastPastTheEndMeanTheEnd) {
  EXPECT_EQ(parse_range("bytes=900-", size).span, (byte_span{900, 1000}));
  EXPECT_EQ(parse_range("bytes=900-5000", size).span, (byte_span{900, 1000}));
  EXPECT_EQ(parse_range("bytes=999-999", size).span, (byte_span{999, 1000}));
  EXPECT_EQ(parse_range("Bytes = 0-0", size).span, (byte_span{0, 1}));
}

TEST(RangeHeaderTest, ASuffixIsTheLastBytes) {
  EXPECT_EQ(parse_range("bytes=-10", size).span, (byte_span{990, 1000}));
  EXPECT_EQ(parse_range("bytes=-5000", size).span, (byte_span{0, 1000}));
}

TEST(RangeHeaderTest, AStartAtOrPastTheEndCannotBeSatisfied) {
  EXPECT_EQ(parse_range("bytes=1000-", size).what, kind::unsatisfiable);
  EXPECT_EQ(parse_range("bytes=5000-6000", size).what, kind::unsatisfiable);
  EXPECT_EQ(parse_range("bytes=-0", size).what, kind::unsatisfiable);
  EXPECT_EQ(parse_range("bytes=0-", 0).what, kind::unsatisfiable);
  EXPECT_EQ(parse_range("bytes=-1", 0).what, kind::unsatisfiable);
}

TEST(RangeHeaderTest, AnythingElseIsInvalid) {
  for (const char* header :
       {"bytes=5-2", "items=0-1", "bytes=0-1,5-6", "bytes=", "bytes=-", "bytes=a-b", "bytes=1",
        "bytes=+1-2", "bytes=1-+2", "bytes=99999999999999999999-", "0-1", "bytes=1 -2"})
    EXPECT_EQ(parse_range(header, size).what, kind::invalid) << header;
}
