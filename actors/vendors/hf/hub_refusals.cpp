#include "actors/vendors/hf/hub_refusals.hpp"

namespace hive {

std::optional<net::failure> explain_hub_refusal(unsigned status,
                                                const std::map<std::string, std::string>& headers,
                                                const std::string& detail) {
  auto header = headers.find("x-error-code");
  auto error_code = header == headers.end() ? std::string{} : header->second;
  auto with = [&detail](download_errc code, const std::string& what) {
    return net::failure{code, what + " (" + detail + ")"};
  };
  if (error_code == "GatedRepo")
    return with(download_errc::gated_repo,
                "the repository is gated: accept its licence on the Hub, then set HF_TOKEN");
  if (error_code == "RepoNotFound")
    return with(download_errc::repo_not_found,
                "no such repository (or it is private and HF_TOKEN is not set)");
  if (error_code == "RevisionNotFound")
    return with(download_errc::revision_not_found,
                "the repository has no such branch, tag or commit");
  if (error_code == "EntryNotFound")
    return with(download_errc::entry_not_found, "the repository has no such file at this revision");
  if (status == 401 || status == 403)
    return with(download_errc::unauthorized, "the Hub refused access: check HF_TOKEN");
  return std::nullopt;
}

} // namespace hive
