#include "net/api/job_json.hpp"

#include "net/format/json_writer.hpp"

namespace hive {

std::string_view state_name(job_phase state) {
  switch (state) {
    case job_phase::queued:
      return "queued";
    case job_phase::running:
      return "running";
    case job_phase::completed:
      return "completed";
    case job_phase::failed:
      return "failed";
    case job_phase::cancelled:
      return "cancelled";
  }
  return "failed";
}

std::string job_json(const job_summary& job) {
  json_object obj;
  obj.field("job_id", job.job_id)
      .field("hive_id", job.hive_id)
      .field("operation", job.operation)
      .field("model", job.model)
      .field("vendor", job.vendor)
      .field("state", state_name(job.state))
      .field("bytes", job.bytes)
      .field("total", job.total)
      .field("created_ms", job.created_ms)
      .field("started_ms", job.started_ms)
      .field("finished_ms", job.finished_ms);
  if (job.error_code.empty())
    obj.raw("error", "null");
  else
    obj.raw("error",
            json_object{}.field("code", job.error_code).field("message", job.error_message).str());
  return obj.str();
}

std::string jobs_json(const std::vector<job_summary>& jobs) {
  json_array items;
  for (const auto& job : jobs)
    items.raw(job_json(job));
  return json_object{}.raw("jobs", items.str()).str();
}

std::string job_created_json(std::string_view job_id) {
  return json_object{}
      .field("job_id", job_id)
      .field("sse_url", "/v1/jobs/" + std::string{job_id} + "/stream")
      .str();
}

std::string job_status_json(std::string_view job_id, job_phase state) {
  return json_object{}.field("job_id", job_id).field("status", state_name(state)).str();
}

std::string job_rate_json(std::string_view job_id, std::uint64_t max_rate,
                          std::uint64_t effective_max_rate) {
  return json_object{}
      .field("job_id", job_id)
      .field("max_rate", max_rate)
      .field("effective_max_rate", effective_max_rate)
      .str();
}

} // namespace hive
