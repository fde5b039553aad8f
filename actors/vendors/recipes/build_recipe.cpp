#include "actors/vendors/recipes/build_recipe.hpp"

#include "actors/vendors/model_ref.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <set>
#include <stdexcept>

namespace hive {

namespace {

namespace fs = std::filesystem;

/// A path below the working directory: relative, no `.` or `..` segment.
bool is_below(const std::string& path) {
  fs::path p{path};
  if (path.empty() || p.is_absolute() || !p.has_filename())
    return false;
  for (const auto& part : p)
    if (part == "." || part == "..")
      return false;
  return true;
}

std::vector<std::string> strings(simdjson::dom::element recipe, const char* key,
                                 const std::string& where) {
  simdjson::dom::array list;
  if (recipe[key].get(list) != simdjson::SUCCESS || list.size() == 0)
    throw std::invalid_argument(where + ": '" + key + "' must be a non-empty array of strings");
  std::vector<std::string> out;
  for (auto item : list) {
    std::string_view text;
    if (item.get(text) != simdjson::SUCCESS || text.empty())
      throw std::invalid_argument(where + ": '" + key + "' must hold non-empty strings");
    out.emplace_back(text);
  }
  return out;
}

build_recipe parse_recipe(simdjson::dom::element json, const std::string& where) {
  build_recipe recipe;
  std::string_view text;
  if (json["workdir"].get(text) != simdjson::SUCCESS || !fs::path{text}.is_absolute())
    throw std::invalid_argument(where + ": 'workdir' must be an absolute path");
  recipe.workdir = text;
  recipe.command = strings(json, "command", where);
  recipe.outputs = strings(json, "outputs", where);
  std::set<std::string> names;
  for (const auto& output : recipe.outputs) {
    if (!is_below(output))
      throw std::invalid_argument(where + ": output '" + output
                                  + "' must be a path inside 'workdir' (relative, no '..')");
    if (!names.insert(fs::path{output}.filename().string()).second)
      throw std::invalid_argument(where + ": two outputs are named '"
                                  + fs::path{output}.filename().string() + "'");
  }
  if (json["env"].error() != simdjson::NO_SUCH_FIELD)
    recipe.env = strings(json, "env", where);
  if (auto progress = json["progress"]; progress.error() != simdjson::NO_SUCH_FIELD) {
    if (progress.get(text) != simdjson::SUCCESS)
      throw std::invalid_argument(where + ": 'progress' must be a string");
    recipe.progress = text;
    try {
      auto groups = std::regex{recipe.progress}.mark_count();
      if (groups != 1 && groups != 2)
        throw std::invalid_argument(where
                                    + ": 'progress' needs one capture group (a percentage) "
                                      "or two (done and total steps)");
    } catch (const std::regex_error& e) {
      throw std::invalid_argument(where + ": 'progress' is not a regular expression: " + e.what());
    }
  }
  return recipe;
}

} // namespace

std::vector<std::string> build_environment(const build_recipe& recipe) {
  std::vector<std::string> env;
  std::vector<std::string> names{"PATH", "HOME", "LANG"};
  names.insert(names.end(), recipe.env.begin(), recipe.env.end());
  for (const auto& name : names) {
    auto taken = std::any_of(env.begin(), env.end(), [&](const std::string& entry) {
      return entry.starts_with(name + "=");
    });
    if (const char* value = std::getenv(name.c_str()); value && !taken)
      env.push_back(name + "=" + value);
  }
  return env;
}

build_recipes load_recipes(const fs::path& file) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto error = parser.load(file.string()).get(doc))
    throw std::invalid_argument("--recipes " + file.string() + ": "
                                + simdjson::error_message(error));
  simdjson::dom::object recipes;
  if (doc["recipes"].get(recipes) != simdjson::SUCCESS)
    throw std::invalid_argument("--recipes " + file.string()
                                + ": expected {\"recipes\":{\"<name>\":{...}}}");
  build_recipes out;
  for (auto [name, json] : recipes) {
    auto where = "--recipes " + file.string() + ": recipe '" + std::string{name} + "'";
    if (!is_valid_model_id(name))
      throw std::invalid_argument(where + ": a name is letters, digits, '.', '_' and '-'");
    out.emplace(std::string{name}, parse_recipe(json, where));
  }
  return out;
}

} // namespace hive
