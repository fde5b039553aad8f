#pragma once

#include "messages/job_messages.hpp"

#include <caf/expected.hpp>

#include <string>
#include <string_view>

namespace hive {

/// A request body of `POST /v1/jobs`, validated.
struct operation {
  enum class kind { model_download, model_list, model_get, model_delete };
  kind op = kind::model_list;
  /// The operation's name as sent, e.g. `model_download`.
  std::string name;
  /// Set for `model_download`.
  download_spec download;
  /// Set for `model_get` and `model_delete`.
  std::string model_id;
};

/// Parses and validates an operation; errors are `api_errc` values whose
/// message names the offending field.
caf::expected<operation> parse_operation(std::string_view body);

} // namespace hive
