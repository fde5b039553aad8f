#include "net/host/part_file.hpp"

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

TEST(PartFileTest, StartUpCollectsOnlyPartsThatCannotBeResumed) {
  auto root =
      fs::temp_directory_path() / ("collect-test-" + std::to_string(std::random_device{}()));
  fs::create_directories(root / "a" / "deep");
  fs::create_directories(root / ".huggingface" / "hub" / "blobs");
  auto resumable = root / "a" / "r.gguf.part";
  std::ofstream{resumable} << "some bytes";
  ASSERT_FALSE(save_validator(resumable, "\"v1\""));
  auto no_validator = root / "a" / "deep" / "n.gguf.part";
  std::ofstream{no_validator} << "some bytes";
  auto empty = root / "a" / "e.gguf.part";
  std::ofstream{empty} << "";
  ASSERT_FALSE(save_validator(empty, "\"v1\""));
  auto orphan = validator_path(root / "a" / "gone.gguf.part");
  std::ofstream{orphan} << "\"v1\"\n";
  auto theirs = root / ".huggingface" / "hub" / "blobs" / "abc.incomplete"; // huggingface_hub's
  std::ofstream{theirs} << "some bytes";
  auto model = root / "a" / "model.gguf";
  std::ofstream{model} << "a finished file";

  EXPECT_EQ(collect_unresumable_partials(root), 3u); // two parts (and a record), an orphaned record
  EXPECT_TRUE(fs::exists(resumable));
  EXPECT_TRUE(fs::exists(validator_path(resumable)));
  EXPECT_FALSE(fs::exists(no_validator));
  EXPECT_FALSE(fs::exists(empty));
  EXPECT_FALSE(fs::exists(validator_path(empty)));
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_TRUE(fs::exists(theirs));
  EXPECT_TRUE(fs::exists(model));
  fs::remove_all(root);
}

TEST(PartFileTest, AFailedJobDropsOnlyWhatCannotBeResumedAndNeverAClaimedPart) {
  auto dir = fs::temp_directory_path() / ("unresumable-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  auto resumable = dir / "r.part";
  std::ofstream{resumable} << "bytes";
  ASSERT_FALSE(save_validator(resumable, "\"v1\""));
  remove_if_unresumable(resumable);
  EXPECT_TRUE(fs::exists(resumable));

  auto empty = dir / "e.part";
  std::error_code ec;
  {
    auto writer = part_claim::acquire(empty, ec); // another job writes it right now
    ASSERT_FALSE(ec);
    remove_if_unresumable(empty);
    EXPECT_TRUE(fs::exists(empty));
  }
  remove_if_unresumable(empty);
  EXPECT_FALSE(fs::exists(empty));
  fs::remove_all(dir);
}
