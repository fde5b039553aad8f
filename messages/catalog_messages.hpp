#pragma once

#include "messages/transfer_messages.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace hive {

/// One model in the catalog, as stored in `<models>/<id>/metadata.json`.
struct model_record {
  std::string id;
  std::string name;
  /// The vendor that fetched it, e.g. `url`.
  std::string vendor;
  /// The reference it was fetched from.
  std::string source;
  std::vector<file_fetched> files;
  std::uint64_t total_size = 0;
  /// Milliseconds since the Unix epoch.
  std::int64_t added_at_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, model_record& x) {
  return f(caf::meta::type_name("model_record"), x.id, x.name, x.vendor, x.source, x.files,
           x.total_size, x.added_at_ms);
}

} // namespace hive
