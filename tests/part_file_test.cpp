#include "net/part_file.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

using namespace hive::net;
namespace fs = std::filesystem;

TEST(PartFileTest, OnlyAPartWithAValidatorIsResumable) {
  auto part = fs::temp_directory_path() / ("part-test-" + std::to_string(std::random_device{}()));
  std::ofstream{part} << "0123456789";
  EXPECT_EQ(read_partial(part).size, 0u); // no validator: never stitched
  ASSERT_FALSE(save_validator(part, "\"v1\""));
  auto partial = read_partial(part);
  EXPECT_EQ(partial.size, 10u);
  EXPECT_EQ(partial.validator, "\"v1\"");
  sha256_hasher prefix, whole;
  ASSERT_FALSE(hash_prefix(part, 4, prefix));
  whole.update("0123", 4);
  EXPECT_EQ(prefix.hex_digest(), whole.hex_digest());
  sha256_hasher too_far;
  EXPECT_TRUE(hash_prefix(part, 11, too_far)); // the file got shorter: an error
  remove_partial(part);
  EXPECT_FALSE(fs::exists(part));
  EXPECT_FALSE(fs::exists(validator_path(part)));
}

TEST(PartFileTest, WeakEtagsDoNotValidate) {
  EXPECT_EQ(validator_of("\"abc\"", "Tue, 01 Jan 2030 00:00:00 GMT"), "\"abc\"");
  EXPECT_EQ(validator_of("W/\"abc\"", "Tue, 01 Jan 2030 00:00:00 GMT"),
            "Tue, 01 Jan 2030 00:00:00 GMT");
  EXPECT_EQ(validator_of("W/\"abc\"", ""), "");
}
