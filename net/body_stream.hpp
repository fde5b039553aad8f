#pragma once

// Internals of net/http_fetch.cpp, its only includer: what the connections
// of one file's transfer share, how a body's bytes land in the partial file
// (hashed inline where they continue the hashed prefix, the sidecar saved as
// they advance), and how one answer's body streams into a part. A header of
// its own so that the requests and the orchestration each stay readable.

#include "net/asio.hpp"

#include "net/host/file_system.hpp"
#include "net/host/part_file.hpp"
#include "net/host/sha256.hpp"
#include "net/http_fetch.hpp"
#include "net/rate_pacing.hpp"
#include "net/transfer/byte_ranges.hpp"
#include "net/transfer/landing_file.hpp"
#include "net/transfer/part_plan.hpp"
#include "net/transfer/source_set.hpp"
#include "net/url.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>
#include <list>
#include <memory>
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
  /// The source cannot continue our partial file, or the file changed while
  /// its parts were fetched: start over without it.
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
                                               + " within the stall timeout, after "
                                               + std::to_string(bytes) + " bytes");
  auto got = std::to_string(bytes) + (total ? " of " + std::to_string(total) : "");
  return failure(download_errc::connection_reset, "connection to " + u.authority() + " lost after "
                                                      + got + " bytes: " + ec.message());
}

/// Whether a part that failed so may start again on a fresh connection.
inline bool restartable(const exchange_result& r) {
  return r.outcome.code == download_errc::stalled
         || r.outcome.code == download_errc::connection_reset
         || r.outcome.code == download_errc::connection_failed;
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

/// Where a connection sends its requests: a mirror, or the origin's
/// resolved URL, and the token it sends there.
struct endpoint {
  /// Its index in `transfer_state::sources`.
  std::size_t source = 0;
  bool mirror = false;
  url target;
  /// Sent as `Authorization: Bearer`; empty for none.
  std::string token;
};

/// What the connections of one file's transfer share. Touched on the
/// transfer's strand only, except `file`, `hasher` and `hash_buffer`, which
/// the file's disk strand uses, in the order the transfer's strand posts.
struct transfer_state {
  transfer_state(const fetch_request& r, const fetch_observer& o, std::shared_ptr<source_set> s,
                 const asio::any_io_executor& ex)
    : req(r), obs(o), sources(std::move(s)), wake(ex), renewed(ex) {
    if (r.disk)
      disk.emplace(asio::make_strand(*r.disk));
  }

  const fetch_request& req;
  const fetch_observer& obs;
  /// The mirrors and the origin, and what each sent (shared by the fetch's
  /// attempts; held here too, for the same reason as the state itself).
  std::shared_ptr<source_set> sources;
  landing_file file;
  sha256_hasher hasher;
  std::vector<char> hash_buffer;
  /// Bytes on disk, and how far the hash has gone (or has been handed to
  /// the disk strand) over the prefix.
  byte_ranges landed;
  std::uint64_t hashed = 0;
  /// The file's size; 0 while unknown.
  std::uint64_t total = 0;
  /// Bytes an earlier attempt had landed.
  std::uint64_t resumed = 0;
  /// Who fetches which bytes, once the first answer has come.
  std::optional<part_plan> plan;
  /// Whether more connections may fetch parts of the file, and whether the
  /// source refused one more while others delivered (then none is added).
  bool ranged = false;
  bool saturated = false;
  /// What the sidecar records ("" when the file cannot be resumed), and
  /// what part requests send as `If-Range` ("" for none).
  std::string validator;
  std::string if_range;
  /// Where parts are fetched from the origin: the redirect, resolved once
  /// (unset while only mirrors have been asked).
  std::optional<url> target;
  bool send_token = false;
  /// Connections running, those that fetch or will fetch parts, and those
  /// that have brought bytes.
  unsigned running = 0;
  unsigned fetching = 0;
  unsigned delivering = 0;
  std::uint64_t received = 0;
  /// Parts started again on a fresh connection; signed URLs renewed in a row,
  /// and the bytes landed at the last renewal.
  unsigned restarts = 0;
  unsigned renewals = 0;
  std::uint64_t renewed_at = 0;
  /// Set while one connection asks the origin for a fresh signed URL; the
  /// others wait on `renewed`, which it cancels when done.
  bool renewing = false;
  std::uint64_t saved = 0;
  bool saving = false;
  clock_type::time_point last_report{};
  /// The first failure (or restart), which stops every connection.
  std::optional<exchange_result> ended;
  /// Wakes the transfer's conductor.
  asio::steady_timer wake;
  asio::steady_timer renewed;
  /// Each connection's cancellation signal: they live as long as the state,
  /// which every connection holds.
  std::list<asio::cancellation_signal> signals;
  std::optional<asio::strand<asio::thread_pool::executor_type>> disk;

  void poke() {
    wake.cancel();
  }
  void fail(exchange_result r) {
    if (!ended)
      ended = std::move(r);
    poke();
  }
  /// Tells the observer how far the file is, at most once per interval
  /// unless `now`.
  void report(bool now) {
    if (!obs.on_progress || (!now && clock_type::now() - last_report < req.progress_interval))
      return;
    last_report = clock_type::now();
    obs.on_progress(landed.size(), total ? total : landed.size(), running, sources->tally());
  }
};

/// Runs `work` (returning std::error_code) on the file's disk strand, or
/// inline without a disk pool. The disk step gets no cancellation handler:
/// it is short and bounded, and Asio 1.81's co_spawn would post one holding a
/// raw pointer that a cancellation racing the completion can leave dangling.
template <class Work>
asio::awaitable<std::error_code> on_disk(transfer_state& st, Work work) {
  if (!st.disk)
    co_return work();
  auto task = [work]() -> asio::awaitable<std::error_code> { co_return work(); };
  co_return co_await asio::co_spawn(
      *st.disk, task(),
      asio::bind_cancellation_slot(asio::cancellation_slot{}, asio::use_awaitable));
}

/// Lands `size` bytes from `source` at `offset`: hashed from memory when they continue the
/// hashed prefix, else later from the page cache once the prefix reaches
/// them (a few MiB per step, so that no connection waits long); the sidecar
/// records what landed every few MiB.
inline asio::awaitable<std::error_code> land(transfer_state& st, std::size_t source,
                                             std::uint64_t offset, const char* data,
                                             std::size_t size) {
  constexpr std::uint64_t catch_up_step = 8 * 1024 * 1024;
  if (size == 0)
    co_return std::error_code{};
  bool hash_now = offset == st.hashed;
  if (hash_now)
    st.hashed += size;
  auto ec = co_await on_disk(st, [&st, offset, data, size, hash_now] {
    if (hash_now)
      st.hasher.update(data, size);
    return st.file.write_at(offset, data, size);
  });
  if (ec)
    co_return ec;
  st.landed.add({offset, offset + size});
  st.sources->add_bytes(source, size);
  st.report(false);
  if (auto prefix = st.landed.prefix(); prefix > st.hashed) {
    auto from = st.hashed;
    auto to = std::min(prefix, from + catch_up_step);
    st.hashed = to;
    if ((ec = co_await on_disk(st, [&st, from, to] {
           return st.file.hash_range(st.hasher, from, to, st.hash_buffer);
         })))
      co_return ec;
  }
  // At most every 4 MiB: a crash loses little more (and a save is a small
  // file renamed into place, without fsync).
  constexpr std::uint64_t save_step = 4 * 1024 * 1024;
  if (!st.validator.empty() && !st.saving && st.landed.size() - st.saved >= save_step) {
    st.saving = true;
    auto snapshot = st.landed;
    // Captured by reference: g++ 12 destroys a co_await's temporaries twice,
    // which only trivially destructible captures survive.
    auto save = [&st, &snapshot] { return save_landed(st.req.part_path, st.validator, snapshot); };
    ec = co_await on_disk(st, save);
    st.saving = false;
    st.saved = snapshot.size();
  }
  co_return ec;
}

/// Reads the next piece of body, at most `most` bytes, into `dst`: straight
/// from the socket when the length is known and the body is not chunked,
/// else through the parser.
template <class Stream>
asio::awaitable<std::pair<beast::error_code, std::size_t>>
read_body_some(Stream& stream, beast::flat_buffer& buffer,
               http::response_parser<http::buffer_body>& parser, bool raw, std::vector<char>& dst,
               std::size_t most) {
  if (raw) {
    if (buffer.size() > 0) { // body bytes that arrived with the header
      auto n = asio::buffer_copy(asio::buffer(dst.data(), most), buffer.data());
      buffer.consume(n);
      co_return std::pair{beast::error_code{}, n};
    }
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(dst.data(), most), use_tuple);
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

/// How one answer's body ended for its part.
struct part_read {
  /// A failure, or nothing when the part (or the body) was read to its end.
  std::optional<exchange_result> failed;
  /// The body goes on past the part: the connection cannot serve another request.
  bool body_left = false;
};

/// The size of each of a connection's two read buffers: the transfer's
/// connections share twice `buffer_size`, each buffer at least 64 KiB, so
/// that memory stays bounded whatever their count.
inline std::size_t read_buffer_size(const transfer_state& st) {
  constexpr std::size_t least = 64 * 1024;
  return std::max(least, st.req.buffer_size / std::max(1u, st.running));
}

/// Streams a success body from `from` into part `id` through two alternating buffers
/// (while one lands, the next is read), going on into the following piece
/// while nobody else has it, and stopping where the part ends: another
/// connection may take over its back half meanwhile.
template <class Stream>
asio::awaitable<part_read> stream_part(Stream& stream, beast::flat_buffer& buffer,
                                       http::response_parser<http::buffer_body>& parser,
                                       transfer_state& st, std::size_t id, bool& delivering,
                                       const endpoint& from) {
  using namespace asio::experimental::awaitable_operators;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const auto& req = st.req;
  const bool raw = parser.content_length().has_value() && !parser.chunked();
  std::uint64_t body_left = parser.content_length().value_or(0);
  const std::uint64_t limit = size_limit(req);
  std::array<std::vector<char>, 2> chunks{std::vector<char>(read_buffer_size(st)),
                                          std::vector<char>(read_buffer_size(st))};
  std::size_t filled = 0;      // bytes in chunks[0] waiting to land
  std::uint64_t filled_at = 0; // where they go
  auto body_done = [&] { return raw ? body_left == 0 : parser.is_done(); };
  for (;;) {
    bool more = !body_done() && (st.plan->left(id).size() > 0 || st.plan->extend(id));
    if (!more && filled == 0)
      break;
    beast::error_code ec;
    std::size_t got = 0;
    std::size_t kept = 0;
    std::error_code write_ec;
    auto at = st.plan->left(id).begin;
    tcp_layer.expires_after(req.stall_timeout);
    if (!more) {
      write_ec = co_await land(st, from.source, filled_at, chunks[0].data(), filled);
    } else {
      // Smaller as connections are added (both buffers, in turn).
      if (auto size = read_buffer_size(st); chunks[1].size() > size)
        chunks[1] = std::vector<char>(size);
      std::uint64_t most = paced_read_size(req.rate_limits, chunks[1].size());
      most = std::min(most, st.plan->left(id).size());
      if (raw)
        most = std::min(most, body_left);
      auto both = co_await (
          read_body_some(stream, buffer, parser, raw, chunks[1], static_cast<std::size_t>(most))
          && land(st, from.source, filled_at, chunks[0].data(), filled));
      std::tie(ec, got) = std::get<0>(both);
      write_ec = std::get<1>(both);
      if (raw)
        body_left -= got;
      // Another connection may have taken the back half while we read.
      auto left = st.plan->left(id);
      kept =
          static_cast<std::size_t>(std::min<std::uint64_t>(got, left.end > at ? left.end - at : 0));
      st.plan->advance(id, kept);
      st.received += got;
      if (got > 0 && !delivering) {
        delivering = true;
        ++st.delivering;
      }
    }
    if (write_ec)
      co_return part_read{disk_failure("cannot write", req, write_ec), false};
    std::swap(chunks[0], chunks[1]);
    filled = kept;
    filled_at = at;
    // Checked before these bytes land: a body without a length (chunked)
    // that runs on must not fill the disk.
    if (limit != 0 && filled_at + filled > limit)
      co_return part_read{failure(download_errc::size_mismatch,
                                  from.target.shown() + " sent more than " + std::to_string(limit)
                                      + " bytes"
                                      + (req.expected_size == limit ? ", the size it announced"
                                                                    : ", the download size limit")),
                          false};
    if (ec) {
      // Keep what did arrive, for a restart or a later resume.
      [[maybe_unused]] auto landed =
          co_await land(st, from.source, filled_at, chunks[0].data(), filled);
      co_return part_read{transfer_failure(ec, from.target, st.landed.size(), st.total), false};
    }
    if (!req.rate_limits.empty() && got > 0) {
      tcp_layer.expires_never(); // waiting for a rate cap is not a stall
      co_await pace(req.rate_limits, got);
    }
  }
  co_return part_read{std::nullopt, !body_done()};
}

} // namespace hive::net::detail
