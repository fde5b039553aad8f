#include "net/asio.hpp"

#include "net/web_page.hpp"

#include "net/web_files.hpp"

#include <array>

namespace hive::net {

namespace {

namespace asio = boost::asio;

/// The page loads nothing from elsewhere and runs no inline script or style.
constexpr std::string_view content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

std::string_view content_type_of(std::string_view name) {
  if (name.ends_with(".html"))
    return "text/html; charset=utf-8";
  if (name.ends_with(".js"))
    return "text/javascript; charset=utf-8";
  if (name.ends_with(".css"))
    return "text/css; charset=utf-8";
  if (name.ends_with(".svg"))
    return "image/svg+xml";
  return "application/octet-stream";
}

/// The file a path names: `/` is `index.html`, `/app.js` is `app.js`.
const embedded_file* file_at(std::string_view path) {
  if (path == "/")
    path = "/index.html";
  if (!path.starts_with('/'))
    return nullptr;
  path.remove_prefix(1);
  for (const auto& file : web_files())
    if (file.name == path)
      return &file;
  return nullptr;
}

} // namespace

bool is_page_file(std::string_view path) {
  return file_at(path) != nullptr;
}

http_handler with_web_page(http_handler api) {
  return [api = std::move(api)](http_exchange& ex) -> asio::awaitable<void> {
    const auto* file = ex.request().method == "GET" ? file_at(ex.request().path) : nullptr;
    if (!file)
      co_return co_await api(ex);
    // no-cache: a rebuilt daemon serves its own page, never a stale one.
    const std::array headers{
        http_header{"Cache-Control", "no-cache"},
        http_header{"Content-Security-Policy", content_security_policy},
        http_header{"X-Content-Type-Options", "nosniff"},
        http_header{"Referrer-Policy", "no-referrer"},
    };
    co_await ex.reply(200, std::string{file->bytes}, content_type_of(file->name), headers);
  };
}

} // namespace hive::net
