#include "actors/vendors/model_ref.hpp"

#include "actors/vendors/vendor_list.hpp"
#include "messages/errc.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace hive {

namespace {

constexpr std::size_t max_segment = 120;

/// One vendor's reference syntax, taken from its `X_vendor`.
struct syntax_row {
  std::string_view name;
  std::string_view syntax;
  caf::expected<model_ref> (*parse)(std::string_view text, std::string_view rest);
  bool (*takes_unprefixed)(std::string_view text);
  std::string (*display_name)(const model_ref& ref);
};

template <class... Vendors>
constexpr std::array<syntax_row, sizeof...(Vendors)> syntax_rows(vendor_list<Vendors...>) {
  return {{{Vendors::name, Vendors::syntax, Vendors::parse, Vendors::takes_unprefixed,
            Vendors::display_name}...}};
}

constexpr auto syntaxes = syntax_rows(all_vendors{});

/// `expected a, b or c`: every vendor's syntax.
std::string expected_syntaxes() {
  std::string out = "expected ";
  for (std::size_t i = 0; i < syntaxes.size(); ++i)
    out += std::string{i == 0                     ? ""
                       : i + 1 == syntaxes.size() ? " or "
                                                  : ", "}
           + std::string{syntaxes[i].syntax};
  return out;
}

} // namespace

bool is_safe_char(unsigned char c) {
  return std::isalnum(c) != 0 || c == '.' || c == '_' || c == '-';
}

caf::error invalid_model_ref(std::string_view text, std::string_view why) {
  return make_error(api_errc::invalid_model_ref,
                    "invalid model reference '" + std::string{text} + "': " + std::string{why});
}

std::string sanitize_segment(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    char mapped = is_safe_char(c) ? static_cast<char>(c) : '-';
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
         && std::all_of(id.begin(), id.end(), is_safe_char);
}

caf::expected<model_ref> named_model_ref(std::string_view text, model_ref ref,
                                         const std::string& name) {
  if (name.empty())
    return invalid_model_ref(text, "the reference does not end in a file name");
  if (name == "metadata.json" || name.ends_with(".tmp"))
    return invalid_model_ref(text, "the file name '" + name + "' is reserved for the catalog");
  ref.file_name = name;
  auto dot = name.rfind('.');
  ref.model_id =
      sanitize_segment(dot == std::string::npos || dot == 0 ? name : name.substr(0, dot));
  if (ref.model_id.empty()) // a stem of unsafe characters only: the whole name
    ref.model_id = sanitize_segment(name);
  if (ref.model_id.empty())
    return invalid_model_ref(text, "the file name '" + name + "' gives no usable model id");
  return ref;
}

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

std::pair<std::string_view, std::string_view> split_revision(std::string_view text,
                                                             std::string_view fallback) {
  auto at = text.find('@');
  if (at == std::string_view::npos)
    return {text, fallback};
  return {text.substr(0, at), text.substr(at + 1)};
}

std::string vendor_base::display_name(const model_ref& ref) {
  if (ref.repo.empty()) // a local folder or a recipe
    return ref.location;
  if (!ref.path.empty())
    return ref.repo + ":" + ref.path;
  return ref.quant.empty() ? ref.repo : ref.repo + ":" + ref.quant;
}

std::string model_ref::display_name() const {
  if (!file_name.empty())
    return file_name;
  for (const auto& s : syntaxes)
    if (s.name == vendor)
      return s.display_name(*this);
  return vendor_base::display_name(*this);
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
  for (const auto& s : syntaxes)
    if (text.starts_with(s.name) && text.substr(s.name.size()).starts_with(':'))
      return s.parse(text, text.substr(s.name.size() + 1));
  for (const auto& s : syntaxes)
    if (s.takes_unprefixed(text))
      return s.parse(text, text);
  return invalid_model_ref(text, expected_syntaxes());
}

} // namespace hive
