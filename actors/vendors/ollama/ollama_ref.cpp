#include "actors/vendors/ollama/ollama_vendor.hpp"

#include "actors/vendors/ollama/ollama_store.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

namespace hive {

namespace {

/// A registry host as Ollama names it: `name[:port]`.
bool is_registry_host(std::string_view host) {
  auto colon = host.rfind(':');
  auto host_name = host.substr(0, colon);
  auto port = colon == std::string_view::npos ? std::string_view{} : host.substr(colon + 1);
  bool port_ok =
      !port.empty() && port.size() <= 5
      && std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })
      && std::stoul(std::string{port}) <= 65535;
  return is_valid_model_id(host_name) && (colon == std::string_view::npos || port_ok);
}

} // namespace

/// `[scheme://][host/][namespace/]model[:tag]`, parsed as Ollama does.
/// A scheme always comes with a host (`http://host/model`): the scheme
/// belongs to that host, and is never applied to, nor the model filed under,
/// the node's default registry.
caf::expected<model_ref> ollama_vendor::parse(std::string_view text, std::string_view rest) {
  std::string scheme = "https";
  auto sep = rest.find("://");
  bool has_scheme = sep != std::string_view::npos;
  if (has_scheme) {
    scheme = rest.substr(0, sep);
    if (scheme != "http" && scheme != "https")
      return invalid_model_ref(text, "an Ollama registry is reached over http:// or https://");
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
    return invalid_model_ref(text, "an Ollama model is [scheme://host/][namespace/]model[:tag]");
  model_ref ref;
  ref.vendor = name;
  std::string_view ns = "library";
  bool names_host = parts.size() == 3 || has_scheme;
  if (names_host) {
    if (!is_registry_host(parts[0]))
      return invalid_model_ref(text, "invalid registry host '" + std::string{parts[0]} + "'");
    if (scheme == "http" && parts[0] == ollama::default_host)
      return invalid_model_ref(text,
                               std::string{ollama::default_host} + " is reached over https only");
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
  for (auto [what, value] : {std::pair{"namespace", ns}, {"model", model}, {"tag", tag}})
    if (!is_valid_model_id(value) || value.find("..") != std::string_view::npos)
      return invalid_model_ref(text,
                               "invalid " + std::string{what} + " '" + std::string{value} + "'");
  ref.repo = std::string{ns} + "/" + std::string{model};
  ref.revision = tag;
  // A registry other than the default one is part of the name: `ollama:tiny`
  // and `ollama:mirror:5000/library/tiny` are two models.
  auto host = names_host ? std::string{parts[0]} + "." : std::string{};
  ref.model_id = sanitize_segment(host + (ns == "library" ? "" : std::string{ns} + ".")
                                  + std::string{model} + "." + std::string{tag});
  return ref;
}

std::string ollama_vendor::display_name(const model_ref& ref) {
  return ref.repo + ":" + ref.revision;
}

} // namespace hive
