#pragma once

#include "actors/vendors/job_settings.hpp"
#include "messages/transfer_messages.hpp"
#include "net/host/space_ledger.hpp"

#include <caf/expected.hpp>

#include <string>
#include <vector>

namespace hive {

/// The disk preflight of a job's plan, before its first byte: what each task
/// still needs (files of unknown size and imports count nothing), per file
/// system, must fit in the free space less what other jobs were promised and
/// less `settings.min_free`. The job's promise, held until the job ends (each
/// file's worker drops its part once it has allocated it), or
/// `insufficient_space` naming the sizes and the file system. Without a
/// ledger in the settings nothing is checked.
caf::expected<net::space_hold> reserve_space(const job_settings& settings,
                                             const std::string& job_id,
                                             const std::vector<file_task>& tasks);

} // namespace hive
