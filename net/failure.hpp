#pragma once

#include "messages/errc.hpp"

#include <string>

namespace hive::net {

/// Why an operation of net/ failed: one of the job's error codes and a
/// message. net/ hands it back as a value; an actor that ends with it turns
/// it into a `caf::error` (`make_error(f.code, f.message)`) at its edge.
struct failure {
  download_errc code = download_errc::internal;
  std::string message;
};

} // namespace hive::net
