#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace hive {

/// A build the node's operator configured (`provisiond --recipes FILE`). The
/// API only names a recipe; what runs is decided here, never by a request.
struct build_recipe {
  /// Where the command runs, and what `outputs` are relative to.
  std::filesystem::path workdir;
  /// The program and its arguments, run without a shell (a recipe that wants
  /// one names `/bin/sh`, `-c`, ...); the program is looked up in `PATH`.
  std::vector<std::string> command;
  /// The files the build produces (relative to `workdir`, no `..`), imported
  /// into the model under their file names once the build succeeded.
  std::vector<std::string> outputs;
  /// A regular expression (ECMAScript) searched in each output line: one
  /// capture group is a percentage, two are `done` and `total` steps. Empty
  /// for the defaults: `[ 42%]` (CMake, make) and `[3/10]` (Ninja).
  std::string progress;
  /// The daemon's environment variables the command gets besides `PATH`,
  /// `HOME` and `LANG`; it gets no others (the daemon's tokens stay its own).
  std::vector<std::string> env{};
};

/// Recipes by name.
using build_recipes = std::map<std::string, build_recipe>;

/// The environment a recipe's command runs with (`NAME=value` entries):
/// `PATH`, `HOME`, `LANG` and the recipe's `env`, as the daemon has them.
std::vector<std::string> build_environment(const build_recipe& recipe);

/// Reads a recipes file:
/// `{"recipes":{"<name>":{"workdir":"/abs","command":["prog","arg"],
/// "outputs":["out/model.bin"],"env":["CUDA_HOME"],"progress":"optional regex"}}}`. Throws
/// std::invalid_argument naming the file and what is wrong.
build_recipes load_recipes(const std::filesystem::path& file);

} // namespace hive
