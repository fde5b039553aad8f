#pragma once

#include <caf/expected.hpp>

#include <string>
#include <string_view>

namespace hive {

/// A parsed model reference: `url:https://host/dir/file.gguf`, or a Hugging
/// Face file `hf:org/repo[@revision]:path/file.gguf` (also written without
/// `hf:`, the rbee form `org/repo:file.gguf`).
struct model_ref {
  /// Which vendor fetches it: `url` or `hf`.
  std::string vendor;
  /// Vendor-specific location: for `url` the URL; for `hf` the path below the
  /// Hub's endpoint, `org/repo/resolve/<revision>/<path>`.
  std::string location;
  /// The file name to store (sanitised, never a path).
  std::string file_name;
  /// The catalog id (sanitised, a single path segment).
  std::string model_id;
};

/// Parses a reference; errors are `api_errc::invalid_model_ref` with a reason.
caf::expected<model_ref> parse_model_ref(std::string_view text);

/// Maps any text to a safe single path segment: letters, digits, `.`, `_`, `-`;
/// never `.` or `..`, never empty unless nothing usable remains.
std::string sanitize_segment(std::string_view text);

/// True when `id` is already a safe single path segment.
bool is_valid_model_id(std::string_view id);

} // namespace hive
