#include "actors/vendors/gh/gh_refusals.hpp"
#include "messages/errc.hpp"
#include "net/retry.hpp"

#include <gtest/gtest.h>

using namespace hive;

namespace {

error_view explain(unsigned status, const std::map<std::string, std::string>& headers) {
  auto err = explain_github_refusal(status, headers, "GET /x answered " + std::to_string(status));
  return err ? describe(make_error(err->code, err->message)) : error_view{"(none)", "", 0};
}

} // namespace

TEST(GhRefusalsTest, AnExhaustedRateLimitNamesItsResetOnA403OrA429) {
  for (unsigned status : {403u, 429u}) {
    auto view = explain(status, {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "0"}});
    EXPECT_EQ(view.code, "rate_limited");
    EXPECT_EQ(view.message,
              "GitHub's API rate limit is used up until 1970-01-01 00:00:00 UTC; a token "
              "(GITHUB_TOKEN or --github-token) raises the limit (GET /x answered "
                  + std::to_string(status) + ")");
  }
  auto unknown_reset = explain(403, {{"x-ratelimit-remaining", "0"}});
  EXPECT_EQ(unknown_reset.message.find("until"), std::string::npos) << unknown_reset.message;
}

TEST(GhRefusalsTest, ASecondaryLimitStillThereAfterTheRetriesIsRateLimitedToo) {
  auto view = explain(403, {{"retry-after", "30"}, {"x-ratelimit-remaining", "12"}});
  EXPECT_EQ(view.code, "rate_limited");
  EXPECT_NE(view.message.find("secondary rate limit): try again in 30 s"), std::string::npos)
      << view.message;
  // ... and the retry policy waits for it first, as for a 429.
  EXPECT_EQ(net::retry_delay(403, "7", 1, 4, std::chrono::seconds{1}), std::chrono::seconds{7});
  EXPECT_FALSE(net::retry_delay(403, "", 1, 4, std::chrono::seconds{1}));
}

TEST(GhRefusalsTest, OtherRefusalsAreUnauthorizedOrNotFound) {
  EXPECT_EQ(explain(401, {}).code, "unauthorized");
  EXPECT_EQ(explain(403, {{"x-ratelimit-remaining", "59"}}).code, "unauthorized");
  EXPECT_EQ(explain(404, {}).code, "entry_not_found");
  EXPECT_EQ(explain(500, {}).code, "(none)");
}
