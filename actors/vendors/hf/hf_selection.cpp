#include "actors/vendors/hf/hf_selection.hpp"

#include "messages/errc.hpp"

#include <algorithm>
#include <cctype>
#include <fnmatch.h>
#include <regex>

namespace hive::hf {

namespace {

std::string lower(std::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_gguf(std::string_view path) {
  return path.size() > 5 && lower(path.substr(path.size() - 5)) == ".gguf";
}

/// Does the file name (without `.gguf`) carry `tag` between word boundaries?
bool carries(std::string_view path, const std::string& tag) {
  auto name = lower(path.substr(path.rfind('/') + 1));
  name.resize(name.size() - 5);
  for (auto at = name.find(tag); at != std::string::npos; at = name.find(tag, at + 1)) {
    auto end = at + tag.size();
    bool starts = at == 0 || std::string_view{".-_ "}.find(name[at - 1]) != std::string_view::npos;
    bool ends = end == name.size() || name[end] == '.' || name[end] == '-';
    if (starts && ends)
      return true;
  }
  return false;
}

/// A split model's parts share this name.
std::string split_set(const std::string& path) {
  static const std::regex part{"-[0-9]{5}-of-[0-9]{5}(\\.gguf)$", std::regex::icase};
  return std::regex_replace(path, part, "$1");
}

std::string listing(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

} // namespace

caf::expected<std::vector<std::string>> select_quant(const std::vector<std::string>& files,
                                                     std::string_view tag) {
  auto wanted_tag = lower(tag);
  std::vector<std::string> ggufs, matches;
  for (const auto& f : files) {
    if (!is_gguf(f))
      continue;
    ggufs.push_back(f);
    if (carries(f, wanted_tag))
      matches.push_back(f);
  }
  std::sort(matches.begin(), matches.end());
  if (matches.empty())
    return make_error(download_errc::entry_not_found,
                      "no GGUF file with the quantisation tag " + std::string{tag}
                          + "; the repository offers: " + listing(ggufs));
  auto one_set = std::all_of(matches.begin(), matches.end(), [&](const std::string& m) {
    return split_set(m) == split_set(matches.front());
  });
  if (!one_set)
    return make_error(download_errc::ambiguous_reference,
                      "the quantisation tag " + std::string{tag}
                          + " matches several files; name one: " + listing(matches));
  return matches;
}

bool wanted(const std::string& path, const std::vector<std::string>& include,
            const std::vector<std::string>& exclude) {
  auto matches = [&path](const std::string& pattern) {
    return ::fnmatch(pattern.c_str(), path.c_str(), 0) == 0;
  };
  return (include.empty() || std::any_of(include.begin(), include.end(), matches))
         && std::none_of(exclude.begin(), exclude.end(), matches);
}

} // namespace hive::hf
