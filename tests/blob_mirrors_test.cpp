// Which hives a hive fetches a blob from (choose_mirrors): whole files
// first, transfers from the origin next, never a hive fetching from others.

#include "actors/cluster/blob_mirrors.hpp"

#include <gtest/gtest.h>

using namespace hive;

namespace {

using holding = blob_presence::holding;

const std::string sha(64, 'a');

peer_blob answer(const std::string& id, holding state, std::uint64_t landed, bool from_origin) {
  return {id, "http://" + id + ":7835", {state, 100, landed, from_origin}};
}

std::vector<std::string> names(const std::vector<blob_source>& sources) {
  std::vector<std::string> out;
  for (const auto& s : sources)
    out.push_back(s.name);
  return out;
}

} // namespace

TEST(BlobMirrorsTest, WholeFilesComeFirstThenTransfersFurthestAlong) {
  auto chosen = choose_mirrors({answer("c", holding::fetching, 10, true),
                                answer("b", holding::complete, 100, false),
                                answer("d", holding::fetching, 60, true)},
                               sha, "s3cret", 4);
  EXPECT_EQ(names(chosen), (std::vector<std::string>{"hive b", "hive d", "hive c"}));
  EXPECT_EQ(chosen.front().url, "http://b:7835/v1/blobs/sha256/" + sha);
  EXPECT_EQ(chosen.front().bearer_token, "s3cret");
}

TEST(BlobMirrorsTest, AHiveFetchingFromOtherHivesOrHoldingNothingIsNeverOne) {
  auto chosen = choose_mirrors({answer("b", holding::fetching, 90, false),
                                answer("c", holding::none, 0, false),
                                answer("d", holding::fetching, 0, true)},
                               sha, "s3cret", 4);
  EXPECT_EQ(names(chosen), (std::vector<std::string>{"hive d"}));
}

TEST(BlobMirrorsTest, AtMostTheCap) {
  std::vector<peer_blob> answers;
  for (char id = 'a'; id <= 'h'; ++id)
    answers.push_back(answer(std::string{id}, holding::complete, 100, false));
  auto chosen = choose_mirrors(answers, sha, "s3cret", 3);
  EXPECT_EQ(names(chosen), (std::vector<std::string>{"hive a", "hive b", "hive c"}));
}
