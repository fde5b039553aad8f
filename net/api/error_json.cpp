#include "net/api/error_json.hpp"

#include "net/format/json_writer.hpp"

namespace hive {

std::string error_json(std::string_view code, std::string_view message, std::string_view job_id) {
  json_object error;
  error.field("code", code).field("message", message);
  if (!job_id.empty())
    error.field("job_id", job_id);
  return json_object{}.raw("error", error.str()).str();
}

} // namespace hive
