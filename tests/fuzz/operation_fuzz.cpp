// The body of POST /v1/jobs, and of PATCH /v1/jobs/{id}.

#include "net/api/operation.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body{reinterpret_cast<const char*>(data), size};
  (void)hive::parse_operation(body);
  (void)hive::parse_job_patch(body);
  return 0;
}
