#pragma once

// Internals of net/http_fetch.cpp, its only includer: how a success body
// streams into the part file. A header of its own so that the transfer's
// pipeline and the connection logic each stay readable.

#include "net/asio.hpp"

#include "net/host/file_sink.hpp"
#include "net/host/file_system.hpp"
#include "net/http_fetch.hpp"
#include "net/host/part_file.hpp"
#include "net/host/sha256.hpp"
#include "net/rate_pacing.hpp"
#include "net/url.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace hive::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using clock_type = std::chrono::steady_clock;

inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// One request/response exchange: a final outcome, or where to go next.
struct exchange_result {
  fetch_outcome outcome;
  std::optional<std::string> location;
  /// The source cannot continue our partial file: start over without it.
  bool restart = false;
};

inline exchange_result failure(download_errc code, std::string message) {
  exchange_result out;
  out.outcome.code = code;
  out.outcome.message = std::move(message);
  return out;
}

/// A read or write error once the connection was up.
inline exchange_result transfer_failure(const beast::error_code& ec, const url& u,
                                        std::uint64_t bytes, std::uint64_t total) {
  if (ec == beast::error::timeout)
    return failure(download_errc::stalled, "no data from " + u.authority()
                                               + " within the stall "
                                                 "timeout, after "
                                               + std::to_string(bytes) + " bytes");
  auto got = std::to_string(bytes) + (total ? " of " + std::to_string(total) : "");
  return failure(download_errc::connection_reset, "connection to " + u.authority() + " lost after "
                                                      + got + " bytes: " + ec.message());
}

/// A failed disk step on the part file: `insufficient_space`, naming the
/// folder and its free space, when the disk is full, else `io_failed`.
inline exchange_result disk_failure(const char* doing, const fetch_request& req,
                                    const std::error_code& ec) {
  auto what = std::string{doing} + " " + req.part_path.string() + ": ";
  if (is_disk_full(ec))
    return failure(download_errc::insufficient_space,
                   what + no_space_text(req.part_path.parent_path()));
  return failure(download_errc::io_failed, what + ec.message());
}

/// The most bytes a body may bring: the announced size or the node's limit,
/// whichever is smaller; 0 for no limit.
inline std::uint64_t size_limit(const fetch_request& req) {
  if (req.expected_size == 0 || req.max_size == 0)
    return std::max(req.expected_size, req.max_size);
  return std::min(req.expected_size, req.max_size);
}

/// Where a body's bytes go: hashed and written, on the disk executor when
/// there is one, so that hashing one chunk overlaps reading the next.
struct body_sink {
  file_sink file;
  sha256_hasher hasher;

  std::error_code consume(const char* data, std::size_t size) {
    hasher.update(data, size);
    return file.write(data, size);
  }
};

/// Runs `work` (returning std::error_code) on the disk pool, or inline without one.
/// The disk step gets no cancellation handler: it is short and bounded, and
/// Asio 1.81's co_spawn would post one holding a raw pointer that a
/// cancellation racing the completion can leave dangling.
template <class Work>
asio::awaitable<std::error_code> on_disk(asio::thread_pool* disk, Work work) {
  if (!disk)
    co_return work();
  auto task = [work]() -> asio::awaitable<std::error_code> { co_return work(); };
  co_return co_await asio::co_spawn(
      disk->get_executor(), task(),
      asio::bind_cancellation_slot(asio::cancellation_slot{}, asio::use_awaitable));
}

inline asio::awaitable<std::error_code> consume_on(asio::thread_pool* disk, body_sink& sink,
                                                   const char* data, std::size_t size) {
  if (size == 0)
    co_return std::error_code{};
  co_return co_await on_disk(disk, [&sink, data, size] { return sink.consume(data, size); });
}

/// Reads the next piece of body, at most `most` bytes, into `dst`: straight
/// from the socket when the length is known and the body is not chunked,
/// else through the parser.
template <class Stream>
asio::awaitable<std::pair<beast::error_code, std::size_t>>
read_body_some(Stream& stream, beast::flat_buffer& buffer,
               http::response_parser<http::buffer_body>& parser, bool raw, std::uint64_t remaining,
               std::vector<char>& dst, std::size_t most) {
  if (raw) {
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, most));
    if (buffer.size() > 0) { // body bytes that arrived with the header
      auto n = asio::buffer_copy(asio::buffer(dst.data(), want), buffer.data());
      buffer.consume(n);
      co_return std::pair{beast::error_code{}, n};
    }
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(dst.data(), want), use_tuple);
    if (ec == asio::error::eof && n == 0)
      ec = http::error::partial_message;
    co_return std::pair{ec, n};
  }
  parser.get().body().data = dst.data();
  parser.get().body().size = most;
  auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
  if (ec == http::error::need_buffer)
    ec = {};
  co_return std::pair{ec, most - parser.get().body().size};
}

/// Streams a success body into the part file through two alternating
/// buffers: while one is hashed and written, the next is read.
template <class Stream>
asio::awaitable<exchange_result> stream_body(Stream& stream, beast::flat_buffer& buffer,
                                             http::response_parser<http::buffer_body>& parser,
                                             const url& u, const fetch_request& req,
                                             const fetch_observer& obs, std::uint64_t already,
                                             const std::string& validator) {
  using namespace asio::experimental::awaitable_operators;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const bool raw = parser.content_length().has_value() && !parser.chunked();
  const std::uint64_t body_total = parser.content_length().value_or(0);
  const std::uint64_t total = body_total ? already + body_total : 0;
  body_sink sink;
  // The hash covers the whole file: what an earlier attempt wrote comes first.
  auto prepare = [&] {
    if (auto ec = already ? hash_prefix(req.part_path, already, sink.hasher) : std::error_code{})
      return ec;
    if (auto ec = sink.file.open(req.part_path, already > 0))
      return ec;
    return save_validator(req.part_path, validator);
  };
  if (auto ec = co_await on_disk(req.disk, prepare))
    co_return disk_failure("cannot prepare", req, ec);
  const std::uint64_t limit = size_limit(req);
  std::array<std::vector<char>, 2> chunks{std::vector<char>(req.buffer_size),
                                          std::vector<char>(req.buffer_size)};
  std::size_t filled = 0; // bytes in chunks[0] waiting to be consumed
  std::uint64_t bytes = 0;
  auto last_report = clock_type::now();
  auto done = [&] { return raw ? bytes + filled >= body_total : parser.is_done(); };
  while (!done() || filled > 0) {
    beast::error_code ec;
    std::size_t got = 0;
    std::error_code write_ec;
    tcp_layer.expires_after(req.stall_timeout);
    if (done()) {
      write_ec = co_await consume_on(req.disk, sink, chunks[0].data(), filled);
    } else {
      auto both = co_await (
          read_body_some(stream, buffer, parser, raw, body_total - bytes - filled, chunks[1],
                         paced_read_size(req.rate_limits, chunks[1].size()))
          && consume_on(req.disk, sink, chunks[0].data(), filled));
      std::tie(ec, got) = std::get<0>(both);
      write_ec = std::get<1>(both);
    }
    if (write_ec)
      co_return disk_failure("cannot write", req, write_ec);
    bytes += filled;
    std::swap(chunks[0], chunks[1]);
    filled = got;
    // Checked before these bytes are written: a body without a length (chunked)
    // that runs on must not fill the disk.
    if (limit != 0 && already + bytes + filled > limit)
      co_return failure(download_errc::size_mismatch,
                        u.shown() + " sent more than " + std::to_string(limit) + " bytes"
                            + (req.expected_size == limit ? ", the size it announced"
                                                          : ", the download size limit"));
    if (ec) {
      // Keep what did arrive, for a later resume; a write error here changes nothing.
      [[maybe_unused]] auto kept = sink.consume(chunks[0].data(), filled);
      co_return transfer_failure(ec, u, already + bytes + filled, total);
    }
    if (obs.on_progress && clock_type::now() - last_report >= req.progress_interval) {
      last_report = clock_type::now();
      obs.on_progress(already + bytes, total, 1);
    }
    if (!req.rate_limits.empty()) {
      tcp_layer.expires_never(); // waiting for a rate cap is not a stall
      co_await pace(req.rate_limits, got);
    }
  }
  auto finish = [&] {
    if (auto ec = sink.file.finish())
      return ec;
    return save_validator(req.part_path, ""); // complete: nothing left to resume
  };
  if (auto ec = co_await on_disk(req.disk, finish))
    co_return disk_failure("cannot sync", req, ec);
  bytes += already;
  if (obs.on_progress)
    obs.on_progress(bytes, total ? total : bytes, 1);
  exchange_result out;
  out.outcome.ok = true;
  out.outcome.bytes = bytes;
  out.outcome.total = total ? total : bytes;
  out.outcome.resumed_from = already;
  out.outcome.sha256 = sink.hasher.hex_digest();
  co_return out;
}

} // namespace hive::net::detail
