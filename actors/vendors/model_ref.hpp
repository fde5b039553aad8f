#pragma once

#include <caf/expected.hpp>

#include <string>
#include <string_view>

namespace hive {

/// A parsed model reference, `<vendor>:<what>`. Each vendor's syntax is one
/// row of the table in `parse_model_ref`; the fields below say what each
/// vendor keeps in them.
/// - `url:https://host/dir/file.gguf`: `location` is the URL.
/// - `hf:org/repo[@revision][:what]` (the Hugging Face Hub), where `what` is a
///   file path (`model.Q4_K_M.gguf`), a quantisation tag (`Q4_K_M`) or absent
///   (the whole snapshot). Without `hf:`, `org/repo:file.gguf` (the rbee form)
///   also means the Hub.
/// - `gh:owner/repo[@tag]:asset` (a GitHub release asset; the tag `latest` by
///   default): `repo`, the tag in `revision`, the asset name or glob in
///   `path`. A glob's `file_name` is empty: the release decides it.
/// - `ollama:[scheme://][host/][namespace/]model[:tag]` (an Ollama registry,
///   parsed as Ollama does: namespace `library`, tag `latest`; a scheme
///   needs a host, and the default registry is reached over https only):
///   `location` is `scheme://host` or empty for the node's default registry,
///   `repo` is `namespace/model`, `revision` the tag.
/// - `local:/absolute/path` (a file or a folder on this node): `location` is
///   the path; a file's `file_name` is its name.
/// - `build:<recipe>` (a build recipe configured on the node): `location` and
///   `model_id` are the recipe's name.
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
  /// `org/name:TAG`, `org/name`, `namespace/model:tag`, or a local path or recipe.
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

} // namespace hive
