#include "actors/vendors/gh/gh_refusals.hpp"

#include <charconv>
#include <ctime>

namespace hive {

namespace {

std::string header(const std::map<std::string, std::string>& headers, const std::string& name) {
  auto i = headers.find(name);
  return i == headers.end() ? std::string{} : i->second;
}

/// `X-RateLimit-Reset` (epoch seconds) as `2030-01-01 00:00:00 UTC`, or "".
std::string reset_time(const std::string& epoch) {
  std::time_t seconds = 0;
  if (std::from_chars(epoch.data(), epoch.data() + epoch.size(), seconds).ec != std::errc{})
    return {};
  std::tm utc{};
  char text[32];
  if (!gmtime_r(&seconds, &utc) || !std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &utc))
    return {};
  return text;
}

} // namespace

std::optional<net::failure>
explain_github_refusal(unsigned status, const std::map<std::string, std::string>& headers,
                       const std::string& detail) {
  auto with = [&detail](download_errc code, const std::string& what) {
    return net::failure{code, what + " (" + detail + ")"};
  };
  bool limit_status = status == 403 || status == 429;
  if (limit_status && header(headers, "x-ratelimit-remaining") == "0") {
    auto reset = reset_time(header(headers, "x-ratelimit-reset"));
    return with(download_errc::rate_limited,
                "GitHub's API rate limit is used up"
                    + (reset.empty() ? std::string{} : " until " + reset)
                    + "; a token (GITHUB_TOKEN or --github-token) raises the limit");
  }
  if (auto retry_after = header(headers, "retry-after"); limit_status && !retry_after.empty())
    return with(download_errc::rate_limited, "GitHub asks to slow down (secondary rate limit): "
                                             "try again in "
                                                 + retry_after + " s");
  if (status == 401)
    return with(download_errc::unauthorized, "GitHub refused the credentials: check GITHUB_TOKEN");
  if (status == 403)
    return with(download_errc::unauthorized,
                "GitHub refused access: check GITHUB_TOKEN and its permissions");
  if (status == 404)
    return with(download_errc::entry_not_found,
                "GitHub has no such release asset (or it is private and GITHUB_TOKEN is not set)");
  return std::nullopt;
}

} // namespace hive
