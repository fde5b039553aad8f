#pragma once

#include "actors/vendors/resolver_actor.hpp"

namespace hive {

/// The first vendor of a Hugging Face job: asks the Hub which files the
/// reference means (one file, the GGUF of a quantisation tag, or a filtered
/// snapshot) at which commit, and places them in the Hugging Face cache
/// layout: the files whose blob is there are linked into the snapshot at
/// once, the others are planned as tasks that end in their blob, which the
/// file workers link (`hf::link_pointer`) once it is verified. Runs as
/// `resolver_actor<hf_resolver>`.
struct hf_resolver {
  static inline const char* name = "hf_resolver";
  static boost::asio::awaitable<caf::expected<job_files>> plan(vendor_context ctx);
};

} // namespace hive
