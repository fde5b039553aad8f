// The body of POST /v1/jobs.

#include "net/api/operation.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)hive::parse_operation(std::string_view{reinterpret_cast<const char*>(data), size});
  return 0;
}
