#pragma once

#include <span>
#include <string_view>

namespace hive::net {

/// A file built into the binary.
struct embedded_file {
  /// The file's name, without folders (`app.js`).
  std::string_view name;
  std::string_view bytes;
};

/// The web page's files (`net/web/`), embedded at build time by
/// `cmake/EmbedFiles.cmake`.
std::span<const embedded_file> web_files();

} // namespace hive::net
