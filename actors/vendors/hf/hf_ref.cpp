#include "actors/vendors/hf/hf_vendor.hpp"

#include <utility>

namespace hive {

namespace {

bool is_quant_tag(std::string_view what) {
  return what.find('.') == std::string_view::npos && what.find('/') == std::string_view::npos
         && is_valid_model_id(what);
}

} // namespace

/// `org/repo[@revision][:path|:TAG]`.
caf::expected<model_ref> hf_vendor::parse(std::string_view text, std::string_view rest) {
  auto colon = rest.find(':');
  auto [repo, revision] = split_revision(rest.substr(0, colon), "main");
  auto slash = repo.find('/');
  if (slash == std::string_view::npos || !is_safe_path(repo)
      || repo.find('/', slash + 1) != std::string_view::npos)
    return invalid_model_ref(text, "a Hugging Face repository is 'org/name'");
  if (revision.empty() || revision.find("..") != std::string_view::npos || !is_safe_path(revision))
    return invalid_model_ref(text, "invalid revision '" + std::string{revision} + "'");
  model_ref ref;
  ref.vendor = name;
  ref.repo = repo;
  ref.revision = revision;
  auto repo_name = repo.substr(slash + 1);
  if (colon == std::string_view::npos) { // the whole snapshot
    ref.model_id =
        sanitize_segment(std::string{repo.substr(0, slash)} + "." + std::string{repo_name});
    return ref;
  }
  auto what = rest.substr(colon + 1);
  if (is_quant_tag(what)) {
    ref.quant = what;
    ref.model_id = sanitize_segment(std::string{repo_name} + "." + std::string{what});
    return ref;
  }
  if (!is_safe_path(what))
    return invalid_model_ref(text,
                             "invalid file path '" + std::string{what} + "' in the repository");
  ref.path = what;
  return named_model_ref(text, std::move(ref), std::string{what.substr(what.rfind('/') + 1)});
}

bool hf_vendor::takes_unprefixed(std::string_view text) {
  auto slash = text.find('/');
  return slash != std::string_view::npos && slash < text.find(':')
         && text.find("://") == std::string_view::npos;
}

} // namespace hive
