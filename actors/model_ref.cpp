#include "actors/model_ref.hpp"

#include "messages/errc.hpp"
#include "net/url.hpp"

#include <algorithm>
#include <cctype>

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

caf::expected<model_ref> parse_model_ref(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return invalid(text, "expected '<vendor>:<location>', e.g. url:https://host/model.gguf");
  auto vendor = text.substr(0, colon);
  auto rest = text.substr(colon + 1);
  if (vendor != "url")
    return invalid(text, "unknown vendor '" + std::string{vendor} + "' (supported: url)");
  auto u = net::parse_url(rest);
  if (!u)
    return invalid(text, "not an absolute http:// or https:// URL");
  auto name = sanitize_segment(net::file_name_of(*u));
  if (name.empty())
    return invalid(text, "the URL does not end in a file name");
  if (name == "metadata.json" || name.ends_with(".tmp"))
    return invalid(text, "the file name '" + name + "' is reserved for the catalog");
  model_ref ref;
  ref.vendor = "url";
  ref.location = u->str();
  ref.file_name = name;
  auto dot = name.rfind('.');
  ref.model_id =
      sanitize_segment(dot == std::string::npos || dot == 0 ? name : name.substr(0, dot));
  if (ref.model_id.empty())
    ref.model_id = name;
  return ref;
}

} // namespace hive
