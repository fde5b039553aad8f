// What GitHub's API (or anything GITHUB_API_URL names) answers about a release.

#include "actors/vendors/gh/gh_release_json.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)hive::gh::parse_release(std::string_view{reinterpret_cast<const char*>(data), size},
                                "release");
  return 0;
}
