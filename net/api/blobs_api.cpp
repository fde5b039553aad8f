#include "net/asio.hpp"

#include "net/api/blobs_api.hpp"

#include "messages/blob_messages.hpp"
#include "messages/errc.hpp"
#include "net/api/error_json.hpp"
#include "net/range_header.hpp"
#include "net/request_guard.hpp"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <array>

namespace hive::net {

namespace {

namespace asio = boost::asio;

/// Bytes read from disk and written at a time: what one reader costs.
constexpr std::size_t chunk_bytes = 64 * 1024;

asio::awaitable<void> reply_error(http_exchange& ex, api_errc code, std::string_view message,
                                  std::span<const http_header> headers = {}) {
  auto body = error_json(code_of(code), message);
  co_await ex.reply(http_status_of(code), std::move(body), "application/json", headers);
}

/// Sends `[span)` of `file`, waiting for bytes still landing. It stops short
/// when the client leaves, the transfer stops or stalls, or a read fails: the
/// server then closes the connection, and the client sees a short body.
asio::awaitable<void> send_span(http_exchange& ex, blob_file& file, byte_span span,
                                const blob_service& blobs) {
  std::vector<char> buffer(
      static_cast<std::size_t>(std::min<std::uint64_t>(chunk_bytes, span.size())));
  asio::steady_timer pause{co_await asio::this_coro::executor};
  auto offset = span.begin;
  // Bytes before this have landed: what has landed stays, so the record of a
  // file still landing is read again only once they are sent, not per chunk.
  auto landed_until = offset;
  auto last_landing = std::chrono::steady_clock::now();
  while (offset < span.end) {
    if (offset == landed_until) {
      auto readable = file.readable_from(offset);
      if (readable.bytes == 0) {
        if (readable.final
            || std::chrono::steady_clock::now() - last_landing >= blobs.stall_timeout)
          co_return;
        pause.expires_after(blobs.poll_interval);
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      last_landing = std::chrono::steady_clock::now();
      landed_until = offset + readable.bytes;
    }
    auto want = std::min({landed_until - offset, span.end - offset, std::uint64_t{buffer.size()}});
    std::error_code ec;
    auto n = file.read_at(offset, {buffer.data(), static_cast<std::size_t>(want)}, ec);
    if (ec || n == 0 || !co_await ex.write_body({buffer.data(), n}))
      co_return;
    offset += n;
  }
}

/// The blob opened, once a transfer that does not know its size yet has
/// learnt it (at most `stall_timeout`); nullopt when there is none.
asio::awaitable<std::optional<blob_file>> find_blob(const blob_service& blobs,
                                                    std::string_view sha256) {
  asio::steady_timer pause{co_await asio::this_coro::executor};
  auto since = std::chrono::steady_clock::now();
  auto file = blobs.find(sha256);
  while (!file && blobs.sizing && blobs.sizing(sha256)
         && std::chrono::steady_clock::now() - since < blobs.stall_timeout) {
    pause.expires_after(blobs.poll_interval);
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
    file = blobs.find(sha256);
  }
  co_return file;
}

} // namespace

asio::awaitable<void> serve_blob(http_exchange& ex, const blob_service& blobs,
                                 const std::vector<std::string_view>& parts) {
  const auto& req = ex.request();
  if (blobs.secret.empty())
    co_return co_await reply_error(ex, api_errc::not_found,
                                   "this hive serves no blobs: start provisiond with "
                                   "--cluster-secret-file to serve them to the cluster");
  if (!bearer_matches(req.authorization, blobs.secret)) {
    const std::array challenge{http_header{"WWW-Authenticate", "Bearer"}};
    co_return co_await reply_error(
        ex, api_errc::unauthorized,
        req.authorization.empty()
            ? "blob requests need Authorization: Bearer <cluster secret> (see "
              "--cluster-secret-file)"
            : "the cluster token is wrong",
        challenge);
  }
  if (parts.size() != 4 || parts[2] != "sha256")
    co_return co_await reply_error(ex, api_errc::not_found,
                                   "no route for " + req.path
                                       + "; blobs are at /v1/blobs/sha256/<64 hex digits>");
  if (req.method != "GET")
    co_return co_await reply_error(ex, api_errc::method_not_allowed,
                                   "method " + req.method + " is not allowed on " + req.path);
  auto sha256 = parts[3];
  if (!is_sha256_hex(sha256))
    co_return co_await reply_error(ex, api_errc::invalid_field,
                                   "a blob is named by its sha256 in 64 lower-case hex digits");
  auto file = co_await find_blob(blobs, sha256);
  if (!file)
    co_return co_await reply_error(ex, api_errc::blob_not_found,
                                   "this hive neither holds nor fetches blob sha256:"
                                       + std::string{sha256});
  auto size = file->size();
  auto range = parse_range(req.range, size);
  if (range.what == range_request::kind::invalid)
    co_return co_await reply_error(ex, api_errc::invalid_field,
                                   "Range must be one range: bytes=FIRST-LAST, bytes=FIRST- or "
                                   "bytes=-SUFFIX, not '"
                                       + req.range.substr(0, 256) + "'");
  auto etag = "\"sha256:" + std::string{sha256} + "\"";
  if (range.what == range_request::kind::unsatisfiable) {
    auto unsatisfied = "bytes */" + std::to_string(size);
    const std::array headers{http_header{"Content-Range", unsatisfied},
                             http_header{"Accept-Ranges", "bytes"}};
    co_return co_await reply_error(ex, api_errc::range_not_satisfiable,
                                   "Range '" + req.range.substr(0, 256)
                                       + "' starts past the blob's " + std::to_string(size)
                                       + " bytes",
                                   headers);
  }
  bool part = range.what == range_request::kind::part;
  auto span = part ? range.span : byte_span{0, size};
  auto content_range_value = content_range(span, size);
  std::vector<http_header> headers{{"Accept-Ranges", "bytes"}, {"ETag", etag}};
  if (part)
    headers.push_back({"Content-Range", content_range_value});
  if (!co_await ex.begin_body(part ? 206 : 200, span.size(), "application/octet-stream", headers))
    co_return;
  co_await send_span(ex, *file, span, blobs);
}

} // namespace hive::net
