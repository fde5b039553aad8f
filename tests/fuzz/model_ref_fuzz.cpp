// A model reference as a client sends it. Beyond not crashing: an accepted
// reference's catalog id and file name are single safe path segments.

#include "actors/vendors/model_ref.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto segment = hive::sanitize_segment(text);
  if (!segment.empty() && !hive::is_valid_model_id(segment))
    std::abort();
  auto ref = hive::parse_model_ref(text);
  if (!ref)
    return 0;
  (void)ref->display_name();
  if (!hive::is_valid_model_id(ref->model_id))
    std::abort();
  if (ref->file_name.find('/') != std::string::npos || ref->file_name == ".."
      || ref->file_name == ".")
    std::abort();
  return 0;
}
