#include "actors/vendors/local/local_vendor.hpp"

#include <filesystem>
#include <utility>

namespace hive {

/// `/absolute/path` to a file or a folder: no `.` or `..` segment. A folder
/// (the one look at the disk here) keeps its whole name as the catalog id;
/// a file is named like a downloaded one.
caf::expected<model_ref> local_vendor::parse(std::string_view text, std::string_view rest) {
  while (rest.size() > 1 && rest.back() == '/')
    rest.remove_suffix(1);
  std::filesystem::path path{rest};
  if (!path.is_absolute() || !path.has_filename())
    return invalid_model_ref(text, "expected local:/absolute/path to a file or folder");
  for (const auto& part : path)
    if (part == "." || part == "..")
      return invalid_model_ref(text, "the path must not contain '.' or '..'");
  model_ref ref;
  ref.vendor = name;
  ref.location = rest;
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec))
    return named_model_ref(text, std::move(ref), path.filename().string());
  ref.model_id = sanitize_segment(path.filename().string());
  if (ref.model_id.empty())
    return invalid_model_ref(text, "the folder's name gives no usable model id");
  return ref;
}

} // namespace hive
