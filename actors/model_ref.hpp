#pragma once

#include <caf/expected.hpp>

#include <string>
#include <string_view>

namespace hive {

/// A parsed model reference: `url:https://host/dir/file.gguf`, or from the
/// Hugging Face Hub `hf:org/repo[@revision][:what]`, where `what` is a file
/// path (`model.Q4_K_M.gguf`), a quantisation tag (`Q4_K_M`) or absent (the
/// whole snapshot). Without `hf:`, `org/repo:file.gguf` (the rbee form) also
/// means the Hub.
struct model_ref {
  /// Which vendor fetches it: `url` or `hf`.
  std::string vendor;
  /// For `url`: the URL.
  std::string location;
  /// For `hf`: `org/name`, the revision (default `main`), and either a file
  /// `path` or a `quant` tag; both empty for a snapshot.
  std::string repo;
  std::string revision;
  std::string path;
  std::string quant;
  /// The file name a single-file download is stored as (sanitised, never a
  /// path); empty when the reference names no single file.
  std::string file_name;
  /// The catalog id (sanitised, a single path segment).
  std::string model_id;

  /// What a person calls the model: its file name, `org/name:TAG` or `org/name`.
  std::string display_name() const;
};

/// Parses a reference; errors are `api_errc::invalid_model_ref` with a reason.
caf::expected<model_ref> parse_model_ref(std::string_view text);

/// Maps any text to a safe single path segment: letters, digits, `.`, `_`, `-`;
/// never `.` or `..`, never empty unless nothing usable remains.
std::string sanitize_segment(std::string_view text);

/// True when `id` is already a safe single path segment.
bool is_valid_model_id(std::string_view id);

} // namespace hive
