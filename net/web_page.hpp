#pragma once

#include "net/http_server.hpp"

namespace hive::net {

/// Serves the web page (`/` and its files, built into the binary) and passes
/// every other request to `api`, so unknown paths still get its JSON errors.
http_handler with_web_page(http_handler api);

} // namespace hive::net
