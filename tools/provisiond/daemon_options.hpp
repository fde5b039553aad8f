#pragma once

#include "actors/node/hive_runtime.hpp"

#include <optional>
#include <string>
#include <vector>

namespace hive {

/// What `provisiond` was asked to do.
struct daemon_options {
  runtime_settings runtime;
  std::string log_level = "info";
  bool help = false;
};

/// Parses the command line; options from `--config FILE` (lines of
/// `key = value`, `#` comments, keys as the long options without `--`)
/// apply first, the command line overrides them. Throws std::invalid_argument
/// with a message naming the bad option.
daemon_options parse_daemon_options(const std::vector<std::string>& args);

/// The text of `provisiond --help`.
std::string daemon_usage();

/// `$XDG_CACHE_HOME/rbee/models`, else `$HOME/.cache/rbee/models`.
std::string default_models_dir();

} // namespace hive
