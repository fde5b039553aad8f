#include "net/format/byte_size.hpp"

#include <gtest/gtest.h>

using namespace hive;

TEST(ByteSizeTest, ReadsBytesAndBinaryUnitsWithDecimals) {
  EXPECT_EQ(parse_byte_size("0"), 0u);
  EXPECT_EQ(parse_byte_size("1048576"), 1048576u);
  EXPECT_EQ(parse_byte_size("1K"), 1024u);
  EXPECT_EQ(parse_byte_size("1k"), 1024u);
  EXPECT_EQ(parse_byte_size("500M"), 500ULL << 20);
  EXPECT_EQ(parse_byte_size("20G"), 20ULL << 30);
  EXPECT_EQ(parse_byte_size("2T"), 2ULL << 40);
  EXPECT_EQ(parse_byte_size("1.5G"), 1610612736u);
  EXPECT_EQ(parse_byte_size("0.5K"), 512u);
  EXPECT_EQ(parse_byte_size("2.25m"), 2359296u);
  EXPECT_EQ(parse_byte_size("1.5"), 1u) << "a fraction of a byte is dropped";
  EXPECT_EQ(parse_byte_size("18446744073709551615"), 18446744073709551615u);
  EXPECT_EQ(parse_byte_size("16777215.5T"), (16777215ULL << 40) + (1ULL << 39));
}

TEST(ByteSizeTest, RefusesWhatIsNoSize) {
  for (const char* bad : {"", "M", "-1", "+1", " 1M", "1M ", "1MB", "1KiB", "1.5X", "1..5G", "1.G",
                          ".5G", "1e6", "1,5G", "0x10", "1.1234567891G", "16777216T",
                          "18446744073709551616", "12345678901234567890123456789012M"})
    EXPECT_FALSE(parse_byte_size(bad)) << bad;
}
