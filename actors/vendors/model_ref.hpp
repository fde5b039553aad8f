#pragma once

#include <caf/expected.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace hive {

/// A parsed model reference, `<vendor>:<what>`. Each vendor's syntax is its
/// `parse` (`actors/vendors/X/X_ref.cpp`); its `X_vendor.hpp` says what it
/// keeps in the fields below.
struct model_ref {
  /// Which vendor fetches it: the reference's prefix (`url`, `hf`, ...).
  std::string vendor;
  /// Where the source is: a URL, a registry or API base URL, a local path or
  /// a recipe name, as the vendor needs.
  std::string location;
  /// A repository in the vendor's namespace (`org/name`, `owner/repo`), the
  /// revision or tag asked for, and either a file `path` within it (for some
  /// vendors a glob) or a `quant` tag; empty when the vendor has none.
  std::string repo;
  std::string revision;
  std::string path;
  std::string quant;
  /// The file name a single-file download is stored as (sanitised, never a
  /// path); empty when the reference names no single file.
  std::string file_name;
  /// The catalog id (sanitised, a single path segment).
  std::string model_id;

  /// What a person calls the model: its file name, `repo:path` (a glob),
  /// `org/name:TAG`, `org/name`, a local path or recipe, or the vendor's own.
  std::string display_name() const;
};

/// Parses a reference; errors are `api_errc::invalid_model_ref` with a reason
/// (control characters anywhere are refused first).
caf::expected<model_ref> parse_model_ref(std::string_view text);

/// True when `text` holds a NUL or another control character (below 0x20, or DEL).
bool has_control_chars(std::string_view text);

/// Maps any text to a safe single path segment: letters, digits, `.`, `_`, `-`;
/// never `.` or `..`, never empty unless nothing usable remains.
std::string sanitize_segment(std::string_view text);

/// True when `id` is already a safe single path segment.
bool is_valid_model_id(std::string_view id);

// -- what the vendors' parsers share -------------------------------------------

/// `api_errc::invalid_model_ref`: "invalid model reference '<text>': <why>".
caf::error invalid_model_ref(std::string_view text, std::string_view why);

/// `ref`, its file and catalog id named after `name`; reserved names refused.
caf::expected<model_ref> named_model_ref(std::string_view text, model_ref ref,
                                         const std::string& name);

/// True for a letter, a digit, `.`, `_` or `-`.
bool is_safe_char(unsigned char c);

/// `seg(/seg)*` with every segment a safe name: no `..`, nothing absolute.
bool is_safe_path(std::string_view path);

/// `repo[@revision]` -> (repo, revision or `fallback`).
std::pair<std::string_view, std::string_view> split_revision(std::string_view text,
                                                             std::string_view fallback);

} // namespace hive
