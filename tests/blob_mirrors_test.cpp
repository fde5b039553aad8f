// Which hives a hive fetches a blob from (choose_mirrors): whole files
// first, transfers from the origin next, never a hive fetching from others,
// and among hives still deciding only lower ids, so that no waiting cycle forms.

#include "actors/cluster/blob_mirrors.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace hive;

namespace {

using holding = blob_presence::holding;

const std::string sha(64, 'a');

peer_blob answer(const std::string& id, holding state, std::uint64_t landed, bool from_origin,
                 bool deciding = false) {
  return {id, "http://" + id + ":7835", {state, 100, landed, from_origin, deciding}};
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
                               sha, "z", "s3cret", 4);
  EXPECT_EQ(names(chosen), (std::vector<std::string>{"hive b", "hive d", "hive c"}));
  EXPECT_EQ(chosen.front().url, "http://b:7835/v1/blobs/sha256/" + sha);
  EXPECT_EQ(chosen.front().bearer_token, "s3cret");
}

TEST(BlobMirrorsTest, AHiveFetchingFromOtherHivesOrHoldingNothingIsNeverOne) {
  auto chosen = choose_mirrors({answer("b", holding::fetching, 90, false),
                                answer("c", holding::none, 0, false),
                                answer("d", holding::fetching, 0, true)},
                               sha, "z", "s3cret", 4);
  EXPECT_EQ(names(chosen), (std::vector<std::string>{"hive d"}));
}

TEST(BlobMirrorsTest, AtMostTheCap) {
  std::vector<peer_blob> answers;
  for (char id = 'a'; id <= 'h'; ++id)
    answers.push_back(answer(std::string{id}, holding::complete, 100, false));
  auto chosen = choose_mirrors(answers, sha, "z", "s3cret", 3);
  EXPECT_EQ(names(chosen), (std::vector<std::string>{"hive a", "hive b", "hive c"}));
}

TEST(BlobMirrorsTest, OfHivesStillDecidingOnlyLowerIdsAreTaken) {
  std::vector<peer_blob> deciding{answer("a", holding::fetching, 0, true, true),
                                  answer("c", holding::fetching, 0, true, true)};
  EXPECT_EQ(names(choose_mirrors(deciding, sha, "b", "s3cret", 4)),
            (std::vector<std::string>{"hive a"}));
  EXPECT_TRUE(choose_mirrors(deciding, sha, "a", "s3cret", 4).empty())
      << "the lowest id fetches from the origin";
  EXPECT_EQ(names(choose_mirrors(deciding, sha, "d", "s3cret", 4)),
            (std::vector<std::string>{"hive a", "hive c"}));
}

TEST(BlobMirrorsTest, AHiveSettledOnTheOriginIsTakenWhateverItsId) {
  auto chosen = choose_mirrors({answer("c", holding::fetching, 0, true, false),
                                answer("d", holding::fetching, 40, true, false)},
                               sha, "a", "s3cret", 4);
  EXPECT_EQ(names(chosen), (std::vector<std::string>{"hive d", "hive c"}));
}

// Every way four hives can stand towards a blob, each hive choosing from what
// the others answer: every edge "takes from" points at a hive that takes from
// nobody, ever (whole, or settled on the origin), or at a lower id. So no
// cycle can form, whatever the order the hives ask and settle in (the proof
// is in blob_mirrors.hpp).
TEST(BlobMirrorsTest, EveryEdgePointsAtASinkOrALowerIdSoNoCycleForms) {
  const std::vector<blob_presence> states{
      {holding::none, 0, 0, false, false},     {holding::complete, 100, 100, false, false},
      {holding::fetching, 100, 0, true, false}, {holding::fetching, 100, 50, true, false},
      {holding::fetching, 100, 0, true, true},  {holding::fetching, 100, 50, true, true},
      {holding::fetching, 100, 50, false, false}};
  const std::vector<std::string> ids{"a", "b", "c", "d"};
  std::size_t combos = 1;
  for (std::size_t i = 0; i < ids.size(); ++i)
    combos *= states.size();
  for (std::size_t combo = 0; combo < combos; ++combo) {
    std::map<std::string, blob_presence> of;
    for (std::size_t i = 0, rest = combo; i < ids.size(); ++i, rest /= states.size())
      of[ids[i]] = states[rest % states.size()];
    for (const auto& me : ids) {
      std::vector<peer_blob> answers;
      for (const auto& other : ids)
        if (other != me)
          answers.push_back({other, "http://" + other, of[other]});
      for (const auto& source : choose_mirrors(answers, sha, me, "s", 8)) {
        auto id = source.name.substr(5); // "hive <id>"
        const auto& p = of[id];
        bool sink = p.state == holding::complete || (p.from_origin && !p.deciding);
        EXPECT_TRUE(sink || id < me) << me << " takes from " << id << " (combination " << combo
                                     << ")";
        EXPECT_TRUE(p.state == holding::complete || p.from_origin) << me << " takes from " << id;
      }
    }
  }
}
