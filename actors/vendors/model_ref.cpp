#include "actors/vendors/model_ref.hpp"

#include "actors/vendors/ollama/ollama_store.hpp"
#include "messages/errc.hpp"
#include "net/url.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <utility>
#include <vector>

namespace hive {

namespace {

constexpr std::size_t max_segment = 120;

bool safe_char(unsigned char c) {
  return std::isalnum(c) != 0 || c == '.' || c == '_' || c == '-';
}

caf::error invalid(std::string_view text, std::string_view why) {
  return make_error(api_errc::invalid_model_ref,
                    "invalid model reference '" + std::string{text} + "': " + std::string{why});
}

} // namespace

std::string sanitize_segment(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    char mapped = safe_char(c) ? static_cast<char>(c) : '-';
    if (mapped == '-' && !out.empty() && out.back() == '-')
      continue;
    out += mapped;
  }
  auto first = out.find_first_not_of(".-");
  out = first == std::string::npos ? std::string{} : out.substr(first);
  if (out.size() > max_segment)
    out.resize(max_segment);
  return out;
}

bool is_valid_model_id(std::string_view id) {
  return !id.empty() && id.size() <= max_segment && id.front() != '.' && id.front() != '-'
         && std::all_of(id.begin(), id.end(), [](unsigned char c) { return safe_char(c); });
}

namespace {

/// Names the file and the catalog id after `name`, refusing reserved names.
caf::expected<model_ref> named(std::string_view text, model_ref ref, const std::string& name) {
  if (name.empty())
    return invalid(text, "the reference does not end in a file name");
  if (name == "metadata.json" || name.ends_with(".tmp"))
    return invalid(text, "the file name '" + name + "' is reserved for the catalog");
  ref.file_name = name;
  auto dot = name.rfind('.');
  ref.model_id =
      sanitize_segment(dot == std::string::npos || dot == 0 ? name : name.substr(0, dot));
  if (ref.model_id.empty()) // a stem of unsafe characters only: the whole name
    ref.model_id = sanitize_segment(name);
  if (ref.model_id.empty())
    return invalid(text, "the file name '" + name + "' gives no usable model id");
  return ref;
}

/// `seg(/seg)*` with every segment a safe name: no `..`, nothing absolute.
bool is_safe_path(std::string_view path) {
  while (true) {
    auto slash = path.find('/');
    if (!is_valid_model_id(path.substr(0, slash)))
      return false;
    if (slash == std::string_view::npos)
      return true;
    path.remove_prefix(slash + 1);
  }
}

caf::expected<model_ref> parse_url_ref(std::string_view text, std::string_view rest) {
  auto u = net::parse_url(rest);
  if (!u)
    return invalid(text, "not an absolute http:// or https:// URL");
  model_ref ref;
  ref.vendor = "url";
  ref.location = u->str();
  return named(text, std::move(ref), sanitize_segment(net::file_name_of(*u)));
}

/// `repo[@revision]` -> (repo, revision or `fallback`).
std::pair<std::string_view, std::string_view> split_revision(std::string_view text,
                                                             std::string_view fallback) {
  auto at = text.find('@');
  if (at == std::string_view::npos)
    return {text, fallback};
  return {text.substr(0, at), text.substr(at + 1)};
}

bool is_quant_tag(std::string_view what) {
  return what.find('.') == std::string_view::npos && what.find('/') == std::string_view::npos
         && is_valid_model_id(what);
}

/// `org/repo[@revision][:path|:TAG]`.
caf::expected<model_ref> parse_hf_ref(std::string_view text, std::string_view rest) {
  auto colon = rest.find(':');
  auto [repo, revision] = split_revision(rest.substr(0, colon), "main");
  auto slash = repo.find('/');
  if (slash == std::string_view::npos || !is_safe_path(repo)
      || repo.find('/', slash + 1) != std::string_view::npos)
    return invalid(text, "a Hugging Face repository is 'org/name'");
  if (revision.empty() || revision.find("..") != std::string_view::npos || !is_safe_path(revision))
    return invalid(text, "invalid revision '" + std::string{revision} + "'");
  model_ref ref;
  ref.vendor = "hf";
  ref.repo = repo;
  ref.revision = revision;
  auto name = repo.substr(slash + 1);
  if (colon == std::string_view::npos) { // the whole snapshot
    ref.model_id = sanitize_segment(std::string{repo.substr(0, slash)} + "." + std::string{name});
    return ref;
  }
  auto what = rest.substr(colon + 1);
  if (is_quant_tag(what)) {
    ref.quant = what;
    ref.model_id = sanitize_segment(std::string{name} + "." + std::string{what});
    return ref;
  }
  if (!is_safe_path(what))
    return invalid(text, "invalid file path '" + std::string{what} + "' in the repository");
  ref.path = what;
  return named(text, std::move(ref), std::string{what.substr(what.rfind('/') + 1)});
}

/// A registry host as Ollama names it: `name[:port]`.
bool is_registry_host(std::string_view host) {
  auto colon = host.rfind(':');
  auto name = host.substr(0, colon);
  auto port = colon == std::string_view::npos ? std::string_view{} : host.substr(colon + 1);
  bool port_ok =
      !port.empty() && port.size() <= 5
      && std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })
      && std::stoul(std::string{port}) <= 65535;
  return is_valid_model_id(name) && (colon == std::string_view::npos || port_ok);
}

/// `[scheme://][host/][namespace/]model[:tag]`, parsed as Ollama does.
/// A scheme always comes with a host (`http://host/model`): the scheme
/// belongs to that host, and is never applied to, nor the model filed under,
/// the node's default registry.
caf::expected<model_ref> parse_ollama_ref(std::string_view text, std::string_view rest) {
  std::string scheme = "https";
  auto sep = rest.find("://");
  bool has_scheme = sep != std::string_view::npos;
  if (has_scheme) {
    scheme = rest.substr(0, sep);
    if (scheme != "http" && scheme != "https")
      return invalid(text, "an Ollama registry is reached over http:// or https://");
    rest.remove_prefix(sep + 3);
  }
  std::vector<std::string_view> parts;
  for (std::size_t from = 0;;) {
    auto slash = rest.find('/', from);
    parts.push_back(rest.substr(from, slash - from));
    if (slash == std::string_view::npos)
      break;
    from = slash + 1;
  }
  if (parts.size() > 3 || (has_scheme && parts.size() < 2))
    return invalid(text, "an Ollama model is [scheme://host/][namespace/]model[:tag]");
  model_ref ref;
  ref.vendor = "ollama";
  std::string_view ns = "library";
  bool names_host = parts.size() == 3 || has_scheme;
  if (names_host) {
    if (!is_registry_host(parts[0]))
      return invalid(text, "invalid registry host '" + std::string{parts[0]} + "'");
    if (scheme == "http" && parts[0] == ollama::default_host)
      return invalid(text, std::string{ollama::default_host} + " is reached over https only");
    ref.location = scheme + "://" + std::string{parts[0]};
  }
  if (parts.size() - (names_host ? 1 : 0) == 2)
    ns = parts[parts.size() - 2];
  auto model = parts.back();
  std::string_view tag = "latest";
  if (auto colon = model.find(':'); colon != std::string_view::npos) {
    tag = model.substr(colon + 1);
    model = model.substr(0, colon);
  }
  for (auto [what, name] : {std::pair{"namespace", ns}, {"model", model}, {"tag", tag}})
    if (!is_valid_model_id(name) || name.find("..") != std::string_view::npos)
      return invalid(text, "invalid " + std::string{what} + " '" + std::string{name} + "'");
  ref.repo = std::string{ns} + "/" + std::string{model};
  ref.revision = tag;
  // A registry other than the default one is part of the name: `ollama:tiny`
  // and `ollama:mirror:5000/library/tiny` are two models.
  auto host = names_host ? std::string{parts[0]} + "." : std::string{};
  ref.model_id = sanitize_segment(host + (ns == "library" ? "" : std::string{ns} + ".")
                                  + std::string{model} + "." + std::string{tag});
  return ref;
}

/// `/absolute/path` to a file or a folder: no `.` or `..` segment. A folder
/// (the one look at the disk here) keeps its whole name as the catalog id;
/// a file is named like a downloaded one.
caf::expected<model_ref> parse_local_ref(std::string_view text, std::string_view rest) {
  while (rest.size() > 1 && rest.back() == '/')
    rest.remove_suffix(1);
  std::filesystem::path path{rest};
  if (!path.is_absolute() || !path.has_filename())
    return invalid(text, "expected local:/absolute/path to a file or folder");
  for (const auto& part : path)
    if (part == "." || part == "..")
      return invalid(text, "the path must not contain '.' or '..'");
  model_ref ref;
  ref.vendor = "local";
  ref.location = rest;
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec))
    return named(text, std::move(ref), path.filename().string());
  ref.model_id = sanitize_segment(path.filename().string());
  if (ref.model_id.empty())
    return invalid(text, "the folder's name gives no usable model id");
  return ref;
}

/// `<recipe>`: the name of a build recipe configured on the node.
caf::expected<model_ref> parse_build_ref(std::string_view text, std::string_view rest) {
  if (!is_valid_model_id(rest))
    return invalid(text, "a recipe name is letters, digits, '.', '_' and '-'");
  model_ref ref;
  ref.vendor = "build";
  ref.location = rest;
  ref.model_id = rest;
  return ref;
}

/// A GitHub owner or repository name: safe characters, not `.` or `..`.
bool is_gh_name(std::string_view name) {
  return !name.empty() && name.size() <= 100 && name != "." && name != ".."
         && std::all_of(name.begin(), name.end(), [](unsigned char c) { return safe_char(c); });
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
              return safe_char(c) || c == '+' || c == '*' || c == '?' || c == '[' || c == ']'
                     || c == '!';
            });
}

/// `owner/repo[@tag]:asset`, the tag `latest` by default; `asset` may be a glob.
caf::expected<model_ref> parse_gh_ref(std::string_view text, std::string_view rest) {
  auto colon = rest.find(':');
  if (colon == std::string_view::npos)
    return invalid(text, "a GitHub release asset is 'gh:owner/repo@tag:asset-name'");
  auto [repo, tag] = split_revision(rest.substr(0, colon), "latest");
  auto slash = repo.find('/');
  if (slash == std::string_view::npos || !is_gh_name(repo.substr(0, slash))
      || !is_gh_name(repo.substr(slash + 1)))
    return invalid(text, "a GitHub repository is 'owner/repo'");
  if (!is_gh_tag(tag))
    return invalid(text, "invalid release tag '" + std::string{tag} + "'");
  auto asset = rest.substr(colon + 1);
  if (!is_gh_asset(asset))
    return invalid(text, "invalid asset name '" + std::string{asset}
                             + "' (one file name or glob: no '/', no '..')");
  model_ref ref;
  ref.vendor = "gh";
  ref.repo = repo;
  ref.revision = tag;
  ref.path = asset;
  if (asset.find_first_of("*?[") == std::string_view::npos)
    return named(text, std::move(ref), std::string{asset});
  // The file's name is known once the glob is resolved: name the model after the release.
  ref.model_id = sanitize_segment(std::string{repo.substr(slash + 1)} + "." + std::string{tag});
  return ref;
}

} // namespace

std::string model_ref::display_name() const {
  if (!file_name.empty())
    return file_name;
  if (vendor == "ollama")
    return repo + ":" + revision;
  if (repo.empty()) // a local folder or a recipe
    return location;
  if (!path.empty())
    return repo + ":" + path;
  return quant.empty() ? repo : repo + ":" + quant;
}

bool has_control_chars(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

caf::expected<model_ref> parse_model_ref(std::string_view text) {
  // A NUL would end the path where the kernel reads it (`x/metadata.json\0`
  // is `x/metadata.json`), and other controls forge lines in logs. Not echoed.
  if (has_control_chars(text))
    return make_error(api_errc::invalid_model_ref,
                      "invalid model reference: it contains control characters");
  using parser = caf::expected<model_ref> (*)(std::string_view text, std::string_view rest);
  // One row per vendor: its prefix and its syntax.
  static constexpr std::pair<std::string_view, parser> syntaxes[] = {
      {"url:", parse_url_ref},       {"hf:", parse_hf_ref},       {"gh:", parse_gh_ref},
      {"ollama:", parse_ollama_ref}, {"local:", parse_local_ref}, {"build:", parse_build_ref},
  };
  for (const auto& [prefix, parse] : syntaxes)
    if (text.starts_with(prefix))
      return parse(text, text.substr(prefix.size()));
  // The rbee form: `org/repo:file.gguf` means Hugging Face.
  auto slash = text.find('/');
  if (slash != std::string_view::npos && slash < text.find(':')
      && text.find("://") == std::string_view::npos)
    return parse_hf_ref(text, text);
  return invalid(text, "expected url:<http(s) URL>, hf:org/repo[:file|:TAG], org/repo:file, "
                       "gh:owner/repo@tag:asset, ollama:[host/][namespace/]model[:tag], "
                       "local:/path or build:<recipe>");
}

} // namespace hive
