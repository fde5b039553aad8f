#pragma once

#include "messages/job_messages.hpp"

#include <caf/expected.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hive {

/// What one request may hold: every field below is kept for the job's life
/// (in its journal, its plan and its vendors), so none may be unbounded.
struct operation_limits {
  /// Bytes of a model reference.
  static constexpr std::size_t model_bytes = 4 * 1024;
  /// Patterns in `include`, and in `exclude`.
  static constexpr std::size_t patterns = 256;
  /// Bytes of one pattern.
  static constexpr std::size_t pattern_bytes = 512;
  /// Bytes of a token.
  static constexpr std::size_t token_bytes = 8 * 1024;
  /// Bytes of a `hive_id` (a hive's name is at most 63).
  static constexpr std::size_t hive_id_bytes = 255;
};

/// A request body of `POST /v1/jobs`, validated.
struct operation {
  enum class kind { model_download, model_list, model_get, model_delete };
  kind op = kind::model_list;
  /// The operation's name as sent, e.g. `model_download`.
  std::string name;
  /// The hive that runs it (`"hive_id"`): empty, `localhost` or this hive's
  /// name for this one; `*` (`model_list` only) for every hive.
  std::string hive_id;
  /// Set for `model_download`.
  download_spec download;
  /// Set for `model_get` and `model_delete`.
  std::string model_id;
};

/// Parses and validates an operation; errors are `api_errc` values whose
/// message names the offending field.
caf::expected<operation> parse_operation(std::string_view body);

/// Parses a request body of `PATCH /v1/jobs/{id}`, `{"max_rate": RATE}`, into
/// the job's new cap in bytes per second (0 for none); errors as above.
caf::expected<std::uint64_t> parse_job_patch(std::string_view body);

} // namespace hive
