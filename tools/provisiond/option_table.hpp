#pragma once

#include "tools/provisiond/daemon_options.hpp"

#include <span>
#include <string>

namespace hive {

/// One option of `provisiond`: its key (the long option without `--`, also
/// its config-file key), the name of its value and its help for `--help`, and
/// how a value becomes a setting (throwing std::invalid_argument that names
/// the option).
struct option_spec {
  const char* key;
  const char* arg;
  const char* help;
  void (*apply)(daemon_options&, const std::string& key, const std::string& value);
};

/// Every option but `--config` and `--help`, in the order `--help` lists them.
std::span<const option_spec> option_table();

} // namespace hive
