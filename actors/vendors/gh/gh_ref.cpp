#include "actors/vendors/gh/gh_vendor.hpp"

#include <algorithm>
#include <utility>

namespace hive {

namespace {

/// A GitHub owner or repository name: safe characters, not `.` or `..`.
bool is_gh_name(std::string_view name) {
  return !name.empty() && name.size() <= 100 && name != "." && name != ".."
         && std::all_of(name.begin(), name.end(), is_safe_char);
}

/// A git tag as a URL can carry it: safe segments (and `+`), no `..`.
bool is_gh_tag(std::string_view tag) {
  std::string plain{tag};
  std::replace(plain.begin(), plain.end(), '+', '_');
  return tag.find("..") == std::string_view::npos && is_safe_path(plain);
}

/// An asset name or a glob over asset names: one segment, never `..`.
bool is_gh_asset(std::string_view asset) {
  return !asset.empty() && asset.front() != '.' && asset.front() != '-'
         && asset.find("..") == std::string_view::npos
         && std::all_of(asset.begin(), asset.end(), [](unsigned char c) {
              return is_safe_char(c) || c == '+' || c == '*' || c == '?' || c == '[' || c == ']'
                     || c == '!';
            });
}

} // namespace

/// `owner/repo[@tag]:asset`, the tag `latest` by default; `asset` may be a glob.
caf::expected<model_ref> gh_vendor::parse(std::string_view text, std::string_view rest) {
  auto colon = rest.find(':');
  if (colon == std::string_view::npos)
    return invalid_model_ref(text, "a GitHub release asset is 'gh:owner/repo@tag:asset-name'");
  auto [repo, tag] = split_revision(rest.substr(0, colon), "latest");
  auto slash = repo.find('/');
  if (slash == std::string_view::npos || !is_gh_name(repo.substr(0, slash))
      || !is_gh_name(repo.substr(slash + 1)))
    return invalid_model_ref(text, "a GitHub repository is 'owner/repo'");
  if (!is_gh_tag(tag))
    return invalid_model_ref(text, "invalid release tag '" + std::string{tag} + "'");
  auto asset = rest.substr(colon + 1);
  if (!is_gh_asset(asset))
    return invalid_model_ref(text, "invalid asset name '" + std::string{asset}
                                       + "' (one file name or glob: no '/', no '..')");
  model_ref ref;
  ref.vendor = name;
  ref.repo = repo;
  ref.revision = tag;
  ref.path = asset;
  if (asset.find_first_of("*?[") == std::string_view::npos)
    return named_model_ref(text, std::move(ref), std::string{asset});
  // The file's name is known once the glob is resolved: name the model after the release.
  ref.model_id = sanitize_segment(std::string{repo.substr(slash + 1)} + "." + std::string{tag});
  return ref;
}

} // namespace hive
