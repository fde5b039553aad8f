#pragma once

#include "net/http_server.hpp"

namespace hive::net {

/// Serves the web page (`/` and its files, built into the binary) and passes
/// every other request to `api`, so unknown paths still get its JSON errors.
http_handler with_web_page(http_handler api);

/// True when `path` names one of the page's own files (`/`, `/app.js`, ...).
bool is_page_file(std::string_view path);

} // namespace hive::net
