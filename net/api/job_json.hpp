#pragma once

#include "messages/job_messages.hpp"
#include "net/api/job_journal.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hive {

/// `queued`, `running`, `completed`, `failed` or `cancelled`.
std::string_view state_name(job_phase state);

/// A job as `GET /v1/jobs/{id}` shows it.
std::string job_json(const job_summary& job);

/// `{"jobs":[...]}`, as `GET /v1/jobs` lists them.
std::string jobs_json(const std::vector<job_summary>& jobs);

/// `{"job_id":...,"sse_url":...}`: where a new job's events stream.
std::string job_created_json(std::string_view job_id);

/// `{"job_id":...,"status":...}`: how a cancel left the job.
std::string job_status_json(std::string_view job_id, job_phase state);

/// `{"job_id":...,"max_rate":...,"effective_max_rate":...}`: a job's own cap
/// after a change, and the cap that binds it (the lower of its own and the
/// node's), in bytes per second; 0 for none.
std::string job_rate_json(std::string_view job_id, std::uint64_t max_rate,
                          std::uint64_t effective_max_rate);

} // namespace hive
