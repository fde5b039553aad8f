#include "net/asio.hpp"

#include "net/http_fetch.hpp"

#include "net/body_stream.hpp"
#include "net/cancellable.hpp"
#include "net/connection.hpp"
#include "net/host/part_file.hpp"
#include "net/retry.hpp"
#include "net/transfer/connection_governor.hpp"
#include "net/url.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <charconv>
#include <limits>
#include <memory>
#include <optional>

namespace hive::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

using detail::endpoint;
using detail::exchange_result;
using detail::failure;
using detail::transfer_state;
using detail::use_tuple;

/// The pause before a connection closed unanswered is tried again, times
/// the restarts so far (at most a second).
constexpr std::chrono::milliseconds refused_pause{50};

/// How long each step of connections is watched before the next.
constexpr std::chrono::milliseconds governor_window{100};

bool is_redirect(http::status s) {
  switch (s) {
    case http::status::moved_permanently:
    case http::status::found:
    case http::status::see_other:
    case http::status::temporary_redirect:
    case http::status::permanent_redirect:
      return true;
    default:
      return false;
  }
}

/// Reads and drops what is left of a short body (a redirect's few bytes), so
/// that its connection can serve the next request; false for a long body, one
/// of unknown length, or a failed read.
template <class Stream>
asio::awaitable<bool> skip_short_body(Stream& stream, beast::flat_buffer& buffer,
                                      http::response_parser<http::buffer_body>& parser) {
  constexpr std::uint64_t most = 16 * 1024;
  if (parser.is_done())
    co_return true;
  if (parser.chunked() || parser.content_length().value_or(most + 1) > most)
    co_return false;
  std::array<char, 4096> sink{};
  while (!parser.is_done()) {
    parser.get().body().data = sink.data();
    parser.get().body().size = sink.size();
    if (auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
        ec && ec != http::error::need_buffer)
      co_return false;
  }
  co_return true;
}

/// `bytes FIRST-LAST/TOTAL`: where the answer starts and the file's size.
struct content_range {
  std::uint64_t first = 0;
  std::uint64_t total = 0;
};

std::optional<content_range> parse_content_range(std::string_view text) {
  constexpr std::string_view unit = "bytes ";
  if (!text.starts_with(unit))
    return std::nullopt;
  text.remove_prefix(unit.size());
  content_range out;
  auto dash = text.find('-');
  auto slash = text.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash)
    return std::nullopt;
  auto number = [](std::string_view digits, std::uint64_t& n) {
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    return ec == std::errc{} && end == digits.data() + digits.size();
  };
  if (!number(text.substr(0, dash), out.first) || !number(text.substr(slash + 1), out.total))
    return std::nullopt;
  return out;
}

/// Refuses a size that contradicts what we know: the size announced
/// elsewhere, or the node's limit.
std::optional<exchange_result> refuse_length(const url& u, const fetch_request& req,
                                             std::uint64_t total) {
  if (total == 0)
    return std::nullopt;
  if (req.expected_size != 0 && total != req.expected_size)
    return failure(download_errc::size_mismatch, u.shown() + " announced " + std::to_string(total)
                                                     + " bytes, expected "
                                                     + std::to_string(req.expected_size));
  if (req.max_size != 0 && total > req.max_size)
    return failure(download_errc::size_mismatch,
                   u.shown() + " announced " + std::to_string(total)
                       + " bytes, more than the download size limit of "
                       + std::to_string(req.max_size));
  return std::nullopt;
}

/// Whether a failed download leaves its part file for a resume: not when
/// its bytes cannot be trusted (more than announced) or the disk is full
/// (the next attempt must start clean, not trip over a stale part).
bool keeps_partial(download_errc code) {
  return code != download_errc::size_mismatch && code != download_errc::insufficient_space;
}

/// A GET of `to`, as every request of a transfer sends it.
http::request<http::empty_body> make_get(const endpoint& to, const fetch_request& req,
                                         bool via_proxy) {
  const auto& u = to.target;
  // A plain-HTTP proxy takes the absolute URL as the request target.
  http::request<http::empty_body> request{http::verb::get, via_proxy ? u.str() : u.target, 11};
  request.set(http::field::host, u.authority());
  request.set(http::field::user_agent, "rbee-hive-provisioner/0.1");
  request.set(http::field::accept_encoding, "identity");
  // What the origin needs (GitHub's octet-stream); a mirror serves bytes as they are.
  if (!req.accept.empty() && !to.mirror)
    request.set(http::field::accept, req.accept);
  if (!to.token.empty())
    request.set(http::field::authorization, "Bearer " + to.token);
  return request;
}

/// Whether `a` and `b` are the same origin (scheme, host, port).
bool same_origin(const url& a, const url& b) {
  return a.host == b.host && a.port == b.port && a.scheme == b.scheme;
}

/// The origin at `u`, with the request's token when `u` is the token's origin.
endpoint at_origin(const transfer_state& st, const url& u, bool send_token) {
  return {st.sources->origin(), false, u, send_token ? st.req.bearer_token : std::string{}};
}

/// Mirror `source` (whose URL parsed), with its own token.
endpoint at_mirror(const transfer_state& st, std::size_t source) {
  return {source, true, *st.sources->target(source), st.sources->token(source)};
}

/// How narration names where a connection fetches from.
std::string shown(const transfer_state& st, const endpoint& from) {
  return from.mirror ? st.sources->name(from.source) + " (" + from.target.shown() + ")"
                     : from.target.shown();
}

/// Drops mirror `source` for the rest of the fetch and tells why, once.
void drop_mirror(transfer_state& st, std::size_t source, const std::string& why) {
  if (st.sources->drop(source) && st.obs.on_source_failed)
    st.obs.on_source_failed(st.sources->name(source), why);
}

/// Counts a connection on one source while it uses it.
struct source_use {
  source_use(source_set& s, std::size_t i) : set(s), source(i) {
    set.connect(source);
  }
  ~source_use() {
    set.disconnect(source);
  }
  source_use(const source_use&) = delete;
  source_use& operator=(const source_use&) = delete;
  source_set& set;
  std::size_t source;
};

/// An answer's failure status, with its headers, which say why and until when.
exchange_result status_failure(const url& u,
                               const http::response_parser<http::buffer_body>& parser) {
  auto out = failure(download_errc::http_status, u.shown() + " answered "
                                                     + std::to_string(parser.get().result_int())
                                                     + " " + std::string{parser.get().reason()});
  out.outcome.http_status = parser.get().result_int();
  out.outcome.refusal_headers = detail::lower_case_headers(parser.get());
  return out;
}

/// What an interrupted attempt left that this one may continue: bytes of the
/// same content, or of a version the source confirms (`If-Range`).
partial_download resumable(const fetch_request& req) {
  if (!req.resume)
    return {};
  auto previous = read_partial(req.part_path);
  if (previous.validator.starts_with("sha256:")
      && previous.validator != "sha256:" + req.content_sha256)
    return {};
  return previous;
}

/// Sets the transfer up from the first success answer, from `from`, which
/// starts at `first`: the file, the sidecar, the plan, and the first part
/// (returned).
std::optional<exchange_result> begin(transfer_state& st, const endpoint& from,
                                     const http::response_parser<http::buffer_body>& parser,
                                     const partial_download& previous, std::uint64_t first,
                                     std::uint64_t total, std::size_t& part) {
  const auto& req = st.req;
  const auto& answer = parser.get();
  auto cdn_validator = validator_of(answer[http::field::etag], answer[http::field::last_modified]);
  st.validator = req.content_sha256.empty() ? cdn_validator : "sha256:" + req.content_sha256;
  st.if_range = req.content_sha256.empty() ? cdn_validator : "";
  st.total = total;
  if (!from.mirror) { // a mirror is not where the origin's parts go
    st.target = from.target;
    st.send_token = !from.token.empty();
  }
  bool raw = parser.content_length().has_value() && !parser.chunked();
  bool accepts_ranges = answer.result() == http::status::partial_content
                        || beast::iequals(answer[http::field::accept_ranges], "bytes");
  st.ranged = raw && accepts_ranges && total >= 2 * req.piece_size && !st.validator.empty()
              && req.connections_per_file > 1;
  if (first > 0)
    st.landed = previous.landed;
  st.resumed = st.landed.size();
  auto plan_total = total ? total : std::numeric_limits<std::uint64_t>::max();
  auto whole = std::numeric_limits<std::uint64_t>::max();
  // Pieces of about a quarter of a connection's share, within bounds: small
  // enough that the hashed prefix follows closely, large enough that a
  // request per piece costs little.
  auto piece = std::clamp<std::uint64_t>(total / (4 * std::max(1u, req.connections_per_file)),
                                         req.piece_size, 8 * req.piece_size);
  st.plan.emplace(plan_total, st.landed, st.ranged ? piece : whole,
                  st.ranged ? req.piece_size / 4 : whole);
  auto taken = st.plan->take();
  if (!taken || st.plan->left(*taken).begin != first)
    return failure(download_errc::internal, from.target.shown() + " answered from byte "
                                                + std::to_string(first)
                                                + ", which is not the first byte missing");
  part = *taken;
  auto prepare = [&st, first] {
    if (auto ec = st.file.open(st.req.part_path, first > 0))
      return ec;
    if (st.validator.empty())
      return save_validator(st.req.part_path, "");
    return save_landed(st.req.part_path, st.validator, st.landed);
  };
  if (auto ec = prepare())
    return detail::disk_failure("cannot prepare", req, ec);
  if (st.obs.on_response)
    st.obs.on_response(shown(st, from), total, st.landed.size());
  st.poke(); // the conductor may add connections now
  return std::nullopt;
}

/// Counts a connection that fetches or will fetch parts of the file.
struct fetching_guard {
  explicit fetching_guard(transfer_state& s) : st(s) {
    ++st.fetching;
  }
  ~fetching_guard() {
    --st.fetching;
  }
  fetching_guard(const fetching_guard&) = delete;
  fetching_guard& operator=(const fetching_guard&) = delete;
  transfer_state& st;
};

/// Whether the connection of an answer whose body `read` took may serve
/// another request: the body was read to its end, the answer kept the
/// connection alive, and no byte past it is pending.
bool reusable_after(const detail::part_read& read,
                    const http::response_parser<http::buffer_body>& parser,
                    const beast::flat_buffer& buffer) {
  return !read.failed && !read.body_left && parser.keep_alive() && buffer.size() == 0;
}

asio::awaitable<void> fetch_parts(transfer_state& st);

/// The first request of a transfer, to `to`: sends it, reads the header, and
/// streams the body of a success answer as the transfer's first part. A
/// mirror is always asked for a range, whose answer says the file's size,
/// and must answer it itself (a 206, no redirect).
template <class Stream>
asio::awaitable<exchange_result>
first_exchange(Stream& stream, const endpoint& to, transfer_state& st,
               const partial_download& previous, bool via_proxy, detail::connection_use& how) {
  const auto& req = st.req;
  const auto& u = to.target;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  auto request = make_get(to, req, via_proxy);
  auto gaps = previous.landed.gaps(std::numeric_limits<std::uint64_t>::max());
  auto resume_at = previous.size > 0 && !gaps.empty() ? gaps.front().begin : 0;
  if (previous.size > 0 || to.mirror) { // the first missing byte on
    request.set(http::field::range, "bytes=" + std::to_string(resume_at) + "-");
    // Only if it is still the same version; a mirror serves content by its name.
    if (!previous.validator.starts_with("sha256:") && !to.mirror)
      request.set(http::field::if_range, previous.validator);
  }
  tcp_layer.expires_after(req.stall_timeout);
  if (auto [ec, n] = co_await http::async_write(stream, request, use_tuple); ec) {
    how.closed_before_answer(ec, false);
    co_return detail::transfer_failure(ec, u, 0, 0);
  }

  beast::flat_buffer buffer;
  buffer.reserve(64 * 1024); // without it every read returns 512 bytes
  http::response_parser<http::buffer_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  tcp_layer.expires_after(req.stall_timeout);
  if (auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple); ec) {
    how.closed_before_answer(ec, parser.got_some() || buffer.size() > 0);
    co_return detail::transfer_failure(ec, u, 0, 0);
  }

  auto status = parser.get().result();
  if (to.mirror && status != http::status::partial_content) {
    if (http::to_status_class(status) != http::status_class::successful && !is_redirect(status))
      co_return status_failure(u, parser);
    co_return failure(download_errc::http_status,
                      u.shown() + " answered " + std::to_string(parser.get().result_int())
                          + " to a range request (a mirror must answer it itself, with a 206)");
  }
  if (is_redirect(status)) {
    exchange_result out;
    out.location = std::string{parser.get()[http::field::location]};
    tcp_layer.expires_after(req.stall_timeout);
    how.reusable = co_await skip_short_body(stream, buffer, parser) && parser.keep_alive()
                   && buffer.size() == 0;
    if (out.location->empty())
      co_return failure(download_errc::http_status, u.shown() + " answered "
                                                        + std::to_string(parser.get().result_int())
                                                        + " without a Location header");
    co_return out;
  }
  if (status == http::status::range_not_satisfiable && previous.size > 0) {
    exchange_result out;
    out.restart = true;
    co_return out;
  }
  if (http::to_status_class(status) != http::status_class::successful)
    co_return status_failure(u, parser);
  std::uint64_t first = 0; // a 200 answer to a ranged request starts over
  std::uint64_t total = parser.content_length().value_or(0);
  if (status == http::status::partial_content) {
    auto range = parse_content_range(parser.get()[http::field::content_range]);
    if ((previous.size == 0 && !to.mirror) || !range || range->first != resume_at)
      co_return failure(download_errc::http_status,
                        u.shown() + " answered a range we did not ask for: "
                            + std::string{parser.get()[http::field::content_range]});
    first = range->first;
    total = range->total;
  }
  if (auto refused = refuse_length(u, req, total))
    co_return std::move(*refused);
  std::size_t part = 0;
  if (auto failed = begin(st, to, parser, previous, first, total, part))
    co_return std::move(*failed);
  bool delivering = false;
  auto read = co_await detail::stream_part(stream, buffer, parser, st, part, delivering, to);
  st.delivering -= delivering ? 1 : 0;
  st.plan->release(part);
  if (read.failed)
    co_return std::move(*read.failed);
  how.reusable = reusable_after(read, parser, buffer);
  exchange_result out;
  out.outcome.ok = true;
  co_return out;
}

/// The first request to mirror `source`, which answers it or fails.
asio::awaitable<exchange_result> first_from_mirror(transfer_state& st, std::size_t source,
                                                   const partial_download& previous) {
  const auto& req = st.req;
  if (!st.sources->target(source))
    co_return failure(download_errc::internal,
                      "its URL is not an http(s) URL: " + st.sources->name(source));
  source_use using_it{*st.sources, source};
  auto to = at_mirror(st, source);
  auto route = req.proxy.proxy_for(to.target);
  if (!route.error.empty())
    co_return failure(download_errc::connection_failed, route.error);
  auto use = [&](auto& stream, bool via_proxy, detail::connection_use& how) {
    return first_exchange(stream, to, st, previous, via_proxy, how);
  };
  auto on_failure = [](detail::connect_failure f) { return failure(f.code, std::move(f.message)); };
  co_return co_await detail::with_connection<exchange_result>(
      to.target, route.proxy, req.ca_file, req.connect_timeout, req.connections, use, on_failure);
}

/// The mirrors in turn until one answers; a mirror that fails is dropped.
/// Returns whether the transfer has begun (on a mirror), and its parts go on.
asio::awaitable<bool> first_on_mirrors(transfer_state& st, const partial_download& previous) {
  for (auto source = st.sources->pick(); !st.sources->is_origin(source);
       source = st.sources->pick()) {
    auto result = co_await first_from_mirror(st, source, previous);
    if (result.outcome.ok)
      co_return true;
    // Once begun, only the source's own troubles move on to another.
    if (st.plan && !detail::restartable(result)) {
      st.fail(std::move(result));
      co_return true;
    }
    drop_mirror(st, source, result.outcome.message);
    if (st.plan)
      co_return true;
  }
  co_return false;
}

/// The first request and its redirects; then, for a file fetched in parts,
/// this connection's share of the parts. With mirrors, they are asked
/// first, and the origin only when none answers.
asio::awaitable<void> first_connection(transfer_state& st, partial_download previous) {
  const auto& req = st.req;
  std::optional<fetching_guard> fetching{std::in_place, st};
  if (co_await first_on_mirrors(st, previous)) {
    // Begun on a mirror: the rest, even of a file in one part, comes as
    // parts from whichever source is left.
    fetching.reset();
    co_await fetch_parts(st);
    co_return;
  }
  auto current = parse_url(req.url);
  if (!current)
    co_return st.fail(
        failure(download_errc::internal, "not an http(s) URL: " + shown_url(req.url)));
  auto origin = req.token_origin.empty() ? current : parse_url(req.token_origin);
  for (int hop = 0;; ++hop) {
    // The token stays with its origin, and never goes down to plain http.
    bool send_token = origin && same_origin(*current, *origin);
    auto route = req.proxy.proxy_for(*current);
    if (!route.error.empty())
      co_return st.fail(failure(download_errc::connection_failed, route.error));
    auto to = at_origin(st, *current, send_token);
    auto use = [&](auto& stream, bool via_proxy, detail::connection_use& how) {
      return first_exchange(stream, to, st, previous, via_proxy, how);
    };
    auto on_failure = [](detail::connect_failure f) {
      return failure(f.code, std::move(f.message));
    };
    auto result = co_await detail::with_connection<exchange_result>(
        *current, route.proxy, req.ca_file, req.connect_timeout, req.connections, use, on_failure);
    if (result.restart)
      co_return st.fail(std::move(result));
    if (result.location) {
      if (hop >= req.max_redirects)
        co_return st.fail(failure(download_errc::too_many_redirects,
                                  "more than " + std::to_string(req.max_redirects)
                                      + " redirects from " + shown_url(req.url)));
      auto next = resolve_location(*current, *result.location);
      if (!next)
        co_return st.fail(failure(download_errc::http_status,
                                  current->shown() + " redirected to an invalid location: "
                                      + shown_url(*result.location)));
      if (st.obs.on_redirect)
        st.obs.on_redirect(current->shown(), next->shown());
      current = std::move(*next);
      continue;
    }
    // A part of a file fetched in parts starts again on a fresh connection.
    if (!result.outcome.ok
        && !(st.ranged && detail::restartable(result) && ++st.restarts <= req.max_part_restarts))
      co_return st.fail(std::move(result));
    break;
  }
  fetching.reset(); // counted again as a connection for parts
  if (st.ranged)
    co_await fetch_parts(st);
}

/// Asks the origin again where the file is (a signed CDN URL that expired):
/// follows its redirects, reading only headers, to the URL that answers.
asio::awaitable<std::optional<exchange_result>> locate_again(transfer_state& st) {
  const auto& req = st.req;
  auto current = parse_url(req.url);
  auto origin = req.token_origin.empty() ? current : parse_url(req.token_origin);
  for (int hop = 0; current && hop <= req.max_redirects; ++hop) {
    bool send_token = origin && same_origin(*current, *origin);
    auto route = req.proxy.proxy_for(*current);
    auto ask = [&](auto& stream, bool via_proxy,
                   detail::connection_use& how) -> asio::awaitable<exchange_result> {
      auto request = make_get(at_origin(st, *current, send_token), req, via_proxy);
      request.set(http::field::range, "bytes=0-0");
      beast::get_lowest_layer(stream).expires_after(req.stall_timeout);
      if (auto [ec, n] = co_await http::async_write(stream, request, use_tuple); ec) {
        how.closed_before_answer(ec, false);
        co_return detail::transfer_failure(ec, *current, 0, 0);
      }
      beast::flat_buffer buffer;
      http::response_parser<http::empty_body> parser;
      parser.skip(true); // the header says all; the body left unread closes the connection
      if (auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple); ec) {
        how.closed_before_answer(ec, parser.got_some() || buffer.size() > 0);
        co_return detail::transfer_failure(ec, *current, 0, 0);
      }
      exchange_result out;
      if (is_redirect(parser.get().result()))
        out.location = std::string{parser.get()[http::field::location]};
      else if (http::to_status_class(parser.get().result()) != http::status_class::successful)
        out = failure(download_errc::http_status,
                      current->shown() + " answered " + std::to_string(parser.get().result_int()));
      co_return out;
    };
    auto on_failure = [](detail::connect_failure f) {
      return failure(f.code, std::move(f.message));
    };
    auto answer = co_await detail::with_connection<exchange_result>(
        *current, route.proxy, req.ca_file, req.connect_timeout, req.connections, ask, on_failure);
    if (!answer.outcome.message.empty())
      co_return std::move(answer);
    if (!answer.location) {
      st.target = *current;
      st.send_token = send_token;
      co_return std::nullopt;
    }
    current = resolve_location(*current, *answer.location);
  }
  co_return failure(download_errc::too_many_redirects,
                    "cannot find " + shown_url(req.url) + " again after its signed URL expired");
}

/// One connection asks the origin where the file is; the others wait for
/// it (woken when it cancels the timer) and go on with what it found.
asio::awaitable<void> locate_once(transfer_state& st) {
  if (st.renewing) {
    while (st.renewing && !st.ended)
      co_await st.renewed.async_wait(use_tuple);
    co_return;
  }
  st.renewing = true;
  st.renewed.expires_at(asio::steady_timer::time_point::max());
  auto failed = co_await locate_again(st);
  st.renewing = false;
  st.renewed.cancel();
  if (failed)
    st.fail(std::move(*failed));
}

/// A signed URL that `target` was has expired: the origin is asked for a
/// fresh one, three times at most without a byte in between (a 403 that
/// stays is a refusal).
asio::awaitable<void> renew_target(transfer_state& st, const url& target,
                                   const exchange_result& refusal) {
  if (st.target->str() != target.str())
    co_return; // renewed already
  if (!st.renewing) {
    if (st.landed.size() > st.renewed_at) // the last fresh URL did bring bytes
      st.renewals = 0;
    if (++st.renewals > 3)
      co_return st.fail(refusal);
    st.renewed_at = st.landed.size();
  }
  co_await locate_once(st);
}

/// Why a connection for parts stopped.
enum class parts_end {
  /// Nothing is left to take.
  done,
  /// The connection cannot go on (a part read only in part, a stall, a
  /// reset, a renewed URL): another one takes over where it stopped.
  reconnect,
  /// The transfer ended (a failure recorded in `st.ended`).
  stop,
  /// The source closed or refused a new connection before answering it
  /// while others deliver: it takes no more connections than those.
  refused,
};

/// Fetches parts from `from` over one connection for as long as it stays
/// usable. Whatever fails on a mirror drops it (save a reused connection's
/// close, or a failed write to disk): its part goes to another source.
template <class Stream>
asio::awaitable<parts_end> parts_over(Stream& stream, transfer_state& st, bool via_proxy,
                                      detail::connection_use& how, const endpoint& from) {
  const auto& req = st.req;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const auto& target = from.target;
  auto mirror_failed = [&](std::size_t id, const std::string& why) {
    st.plan->release(id);
    drop_mirror(st, from.source, why);
    return parts_end::reconnect;
  };
  bool delivering = false;
  struct leaving { // a connection that goes no longer delivers
    transfer_state& st;
    bool& delivering;
    ~leaving() {
      st.delivering -= delivering ? 1 : 0;
    }
  } leave{st, delivering};
  bool answered = false; // whether this connection has answered a request yet
  how.reusable = true;   // as clean as it came, until it is asked something
  for (;;) {
    if (st.ended)
      co_return parts_end::stop;
    if (from.mirror && st.sources->dropped(from.source))
      co_return parts_end::reconnect; // another connection found it failing
    auto taken = st.plan->take();
    if (!taken)
      co_return parts_end::done;
    auto id = *taken;
    auto span = st.plan->left(id);
    auto request = make_get(from, req, via_proxy);
    request.set(http::field::range,
                "bytes=" + std::to_string(span.begin) + "-" + std::to_string(span.end - 1));
    if (!st.if_range.empty() && !from.mirror)
      request.set(http::field::if_range, st.if_range);
    beast::flat_buffer buffer;
    buffer.reserve(64 * 1024);
    http::response_parser<http::buffer_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    how.reusable = false;
    tcp_layer.expires_after(req.stall_timeout);
    auto [write_ec, written] = co_await http::async_write(stream, request, use_tuple);
    beast::error_code read_ec;
    if (!write_ec) {
      tcp_layer.expires_after(req.stall_timeout);
      std::tie(read_ec, written) =
          co_await http::async_read_header(stream, buffer, parser, use_tuple);
    }
    if (write_ec || read_ec) {
      st.plan->release(id);
      // Not a restart: the server closed a kept-alive connection as we sent.
      if (how.closed_before_answer(write_ec ? write_ec : read_ec,
                                   parser.got_some() || buffer.size() > 0))
        co_return parts_end::reconnect;
      if (!answered)
        co_return parts_end::refused;
      auto broken = detail::transfer_failure(write_ec ? write_ec : read_ec, target,
                                             st.landed.size(), st.total);
      if (from.mirror) {
        drop_mirror(st, from.source, broken.outcome.message);
        co_return parts_end::reconnect;
      }
      if (++st.restarts > req.max_part_restarts)
        st.fail(std::move(broken));
      co_return parts_end::reconnect;
    }
    answered = true;
    how.reused = false; // it answered: what fails next is not a stale connection
    auto status = parser.get().result();
    auto range = parse_content_range(parser.get()[http::field::content_range]);
    if (from.mirror && status != http::status::partial_content)
      co_return mirror_failed(id, http::to_status_class(status) == http::status_class::successful
                                      ? target.shown() + " ignored the range asked for"
                                      : status_failure(target, parser).outcome.message);
    if (from.mirror && (!range || range->first != span.begin || range->total != st.total))
      co_return mirror_failed(id, target.shown() + " sent "
                                      + std::string{parser.get()[http::field::content_range]}
                                      + " when asked for bytes " + std::to_string(span.begin) + "-"
                                      + std::to_string(span.end - 1) + " of a file of "
                                      + std::to_string(st.total) + " bytes");
    if (status == http::status::partial_content
        && (!range || range->first != span.begin || range->total != st.total)) {
      st.plan->release(id);
      auto out = failure(download_errc::http_status,
                         target.shown() + " changed while its parts were fetched ("
                             + std::string{parser.get()[http::field::content_range]} + ")");
      out.restart = true;
      st.fail(std::move(out));
      co_return parts_end::stop;
    }
    if (status == http::status::ok) { // If-Range did not match: another version
      st.plan->release(id);
      auto out = failure(download_errc::http_status,
                         target.shown() + " changed while its parts were fetched");
      out.restart = true;
      st.fail(std::move(out));
      co_return parts_end::stop;
    }
    if (status != http::status::partial_content) {
      st.plan->release(id);
      auto expired = (status == http::status::forbidden || status == http::status::unauthorized
                      || status == http::status::gone)
                     && target.str() != req.url;
      if (!expired) {
        st.fail(status_failure(target, parser));
        co_return parts_end::stop;
      }
      // A local, not a temporary: g++ 12 destroys a co_await's temporaries twice.
      auto refusal = status_failure(target, parser);
      co_await renew_target(st, target, refusal);
      co_return parts_end::reconnect;
    }
    auto read = co_await detail::stream_part(stream, buffer, parser, st, id, delivering, from);
    if (!read.failed && !read.body_left && st.plan->left(id).size() > 0)
      read.failed = failure(download_errc::connection_reset,
                            target.shown() + " answered less of bytes " + std::to_string(span.begin)
                                + "-" + std::to_string(span.end - 1) + " than it said");
    if (read.failed && from.mirror && detail::restartable(*read.failed))
      co_return mirror_failed(id, read.failed->outcome.message);
    st.plan->release(id);
    if (read.failed) {
      if (!detail::restartable(*read.failed) || ++st.restarts > req.max_part_restarts)
        st.fail(std::move(*read.failed));
      co_return parts_end::reconnect;
    }
    how.reusable = reusable_after(read, parser, buffer);
    if (!how.reusable)
      co_return parts_end::reconnect;
  }
}

/// One connection's share of a file fetched in parts: connects to a source
/// (the live mirror with the fewest connections, else the origin's resolved
/// URL) and fetches parts, on a fresh connection when one breaks.
asio::awaitable<void> fetch_parts(transfer_state& st) {
  const auto& req = st.req;
  fetching_guard fetching{st};
  for (;;) {
    if (st.ended || (st.plan->all_assigned() && st.plan->parts() == 0))
      co_return;
    auto source = st.sources->pick();
    bool mirror = !st.sources->is_origin(source);
    if (mirror && !st.sources->target(source)) {
      drop_mirror(st, source, "its URL is not an http(s) URL");
      continue;
    }
    if (!mirror && !st.target) { // the mirrors began the file and failed: find the origin's URL
      co_await locate_once(st);
      continue;
    }
    source_use using_it{*st.sources, source};
    auto from = mirror ? at_mirror(st, source) : at_origin(st, *st.target, st.send_token);
    const auto& target = from.target;
    auto route = req.proxy.proxy_for(target);
    auto use = [&](auto& stream, bool via_proxy, detail::connection_use& how) {
      return parts_over(stream, st, via_proxy, how, from);
    };
    std::optional<detail::connect_failure> unconnected;
    auto on_failure = [&unconnected](detail::connect_failure f) {
      unconnected = std::move(f);
      return parts_end::refused;
    };
    auto end = co_await detail::with_connection<parts_end>(
        target, route.proxy, req.ca_file, req.connect_timeout, req.connections, use, on_failure);
    if (end == parts_end::refused && mirror) {
      // Closed unanswered while others of ours use it: it limits connections,
      // as below. Unreachable, or alone: it is gone.
      if (!unconnected && st.sources->connections(source) > 1) {
        st.saturated = true;
        co_return;
      }
      drop_mirror(st, source,
                  unconnected ? unconnected->message
                              : target.shown() + " closed a new connection unanswered");
      continue;
    }
    if (end == parts_end::refused) {
      // A source that limits the connections of one client (a server's
      // per-address limit, a full accept queue): while others fetch, this
      // one goes, its part to them, and the transfer adds none.
      if (st.fetching > 1) {
        st.saturated = true;
        co_return;
      }
      if (++st.restarts > req.max_part_restarts) {
        st.fail(unconnected ? failure(unconnected->code, std::move(unconnected->message))
                            : failure(download_errc::connection_reset,
                                      target.shown() + " closed every new connection unanswered"));
        co_return;
      }
      // The source may not yet have seen our other connections go.
      asio::steady_timer pause{co_await asio::this_coro::executor,
                               std::min<std::chrono::milliseconds>(st.restarts * refused_pause,
                                                                   std::chrono::seconds{1})};
      co_await pause.async_wait(use_tuple);
      continue;
    }
    if (end != parts_end::reconnect)
      co_return;
  }
}

/// Runs `work`, one connection of a transfer, holding the transfer's state:
/// when the I/O context is destroyed with the transfer under way, its frames
/// go in any order, and what they touch as they go must still be there.
asio::awaitable<void> holding([[maybe_unused]] std::shared_ptr<transfer_state> state,
                              asio::awaitable<void> work) {
  co_await std::move(work);
}

/// The conductor of one attempt: starts the first connection, adds
/// connections as the governor says, stops them all on the first failure or
/// a cancel, and finishes the file once every part has landed.
asio::awaitable<exchange_result> transfer_once(const fetch_request& req, const fetch_observer& obs,
                                               std::shared_ptr<source_set> sources) {
  auto executor = co_await asio::this_coro::executor;
  auto state = std::make_shared<transfer_state>(req, obs, std::move(sources), executor);
  auto& st = *state;
  connection_governor governor{std::min(req.connections_per_file, 64u), governor_window};
  auto spawn = [&](asio::awaitable<void> work) {
    ++st.running;
    asio::co_spawn(executor, holding(state, std::move(work)),
                   asio::bind_cancellation_slot(
                       st.signals.emplace_back().slot(), [state](std::exception_ptr error) {
                         --state->running;
                         if (error && !state->ended) {
                           try {
                             std::rethrow_exception(error);
                           } catch (const std::exception& e) {
                             state->fail(failure(download_errc::internal, e.what()));
                           }
                         }
                         state->poke();
                       }));
  };
  spawn(first_connection(st, resumable(req)));
  bool cancelled = false;
  bool stopping = false;
  while (st.running > 0) {
    if ((st.ended || cancelled) && !stopping) {
      stopping = true;
      for (auto& signal : st.signals)
        signal.emit(asio::cancellation_type::terminal);
    }
    bool adding = !stopping && st.ranged && !st.saturated && !governor.settled();
    if (adding) {
      auto want = governor.want(detail::clock_type::now(), st.received, st.delivering);
      while (st.running < want && !st.plan->all_assigned())
        spawn(fetch_parts(st));
    }
    st.wake.expires_after(adding ? governor_window / 4 : std::chrono::hours{1});
    co_await st.wake.async_wait(use_tuple);
    if (!cancelled
        && (co_await asio::this_coro::cancellation_state).cancelled()
               != asio::cancellation_type::none) {
      cancelled = true; // wait for every connection to unwind: then the file is closed
      co_await asio::this_coro::reset_cancellation_state();
    }
  }
  if (cancelled)
    throw boost::system::system_error{asio::error::operation_aborted};
  if (st.ended) {
    // What landed stays for a resume: recorded once the data is on disk.
    auto keep = [&st] { return save_landed(st.req.part_path, st.validator, st.landed); };
    if (!st.ended->restart && !st.validator.empty() && st.landed.size() > 0) [[maybe_unused]]
      auto kept = co_await detail::on_disk(st, keep);
    co_return std::move(*st.ended);
  }
  if (!st.ranged) // one answer: what came is the file, and the checks that follow judge it
    st.total = st.landed.size();
  if (st.landed.prefix() != st.total)
    co_return failure(download_errc::internal,
                      "the transfer of " + shown_url(req.url) + " ended with bytes missing");
  auto finish = [&st] {
    if (st.hashed < st.total)
      if (auto ec = st.file.hash_range(st.hasher, st.hashed, st.total, st.hash_buffer))
        return ec;
    if (auto ec = st.file.finish())
      return ec;
    return save_validator(st.req.part_path, ""); // complete: nothing left to resume
  };
  if (auto ec = co_await detail::on_disk(st, finish))
    co_return detail::disk_failure("cannot sync", req, ec);
  st.running = 0;
  st.report(true);
  exchange_result out;
  out.outcome.ok = true;
  out.outcome.bytes = st.total;
  out.outcome.total = st.total;
  out.outcome.resumed_from = st.resumed;
  out.outcome.sha256 = st.hasher.hex_digest();
  co_return out;
}

/// One attempt; once more from scratch when the source cannot continue our
/// partial file or the file changed under its parts (never stitched).
asio::awaitable<fetch_outcome> fetch_once(fetch_request& req, const fetch_observer& obs,
                                          const std::shared_ptr<source_set>& sources) {
  for (int start = 0;; ++start) {
    auto result = co_await transfer_once(req, obs, sources);
    if (!result.restart)
      co_return std::move(result.outcome);
    remove_partial(req.part_path);
    sources->forget_bytes();
    if (start > 0) // changed again: give up rather than chase it
      co_return std::move(result.outcome);
    req.resume = false;
  }
}

asio::awaitable<fetch_outcome> run_fetch(fetch_request req, fetch_observer obs) {
  // Only a name for the content makes another place's bytes the same bytes.
  auto sources = std::make_shared<source_set>(
      req.content_sha256.empty() ? std::vector<blob_source>{} : req.mirrors);
  for (int attempt = 1;; ++attempt) {
    auto out = co_await fetch_once(req, obs, sources);
    out.sources = sources->tally();
    std::optional<std::chrono::milliseconds> delay;
    if (!out.ok && out.code == download_errc::http_status) {
      auto retry_after = out.refusal_headers.find("retry-after");
      delay = retry_delay(out.http_status,
                          retry_after == out.refusal_headers.end() ? "" : retry_after->second,
                          attempt, req.max_retries, req.retry_backoff);
    }
    if (!delay)
      co_return out;
    if (obs.on_retry)
      obs.on_retry(attempt, *delay, out.message);
    asio::steady_timer pause{co_await asio::this_coro::executor, *delay};
    co_await pause.async_wait(asio::use_awaitable); // a cancel ends the wait at once
  }
}

} // namespace

fetch_canceller start_fetch(asio::io_context& ioc, fetch_request req, fetch_observer obs,
                            std::function<void(fetch_outcome)> done) {
  auto part = req.part_path;
  return spawn_cancellable(
      ioc, run_fetch(std::move(req), std::move(obs)),
      [done = std::move(done), part](bool cancelled, std::exception_ptr error, fetch_outcome out) {
        if (cancelled) {
          // The file is closed now. A cancelled transfer keeps nothing, even if
          // its owner stopped waiting for it (a slow lookup, a long resume hash).
          remove_partial(part);
          out = {};
          out.cancelled = true;
          out.code = download_errc::cancelled;
          out.message = "download cancelled";
        } else if (error) {
          out = {};
          out.code = download_errc::internal;
          out.message = what_of(error);
        } else if (!out.ok && !keeps_partial(out.code)) {
          remove_partial(part);
        }
        done(std::move(out));
      });
}

} // namespace hive::net
