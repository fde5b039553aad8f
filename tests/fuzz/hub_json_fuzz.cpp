// What a Hub (or anything HF_ENDPOINT names) answers to the revision and
// tree requests, and the Link header between tree pages.

#include "actors/vendors/hf/hf_hub_json.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  (void)hive::hf::parse_revision(text, "revision");
  std::vector<hive::hf::tree_file> files;
  (void)hive::hf::add_tree_page(text, "tree", files);
  (void)hive::hf::next_link(text);
  return 0;
}
