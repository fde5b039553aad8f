#pragma once

#include "messages/errc.hpp"

#include <string>
#include <utility>

namespace hive::net {

/// Why an operation of net/ failed: one of the job's error codes and a
/// message. net/ hands it back as a value; an actor that ends with it turns
/// it into a `caf::error` (`to_error`) at its edge.
struct failure {
  download_errc code = download_errc::internal;
  std::string message;
};

/// The error an actor ends with for `f`.
inline caf::error to_error(failure f) {
  return make_error(f.code, std::move(f.message));
}

} // namespace hive::net
