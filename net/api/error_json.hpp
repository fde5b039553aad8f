#pragma once

#include <string>
#include <string_view>

namespace hive {

/// The API's error body: `{"error":{"code":...,"message":...}}`, with
/// `"job_id"` in the error when it is about a job.
std::string error_json(std::string_view code, std::string_view message,
                       std::string_view job_id = {});

} // namespace hive
