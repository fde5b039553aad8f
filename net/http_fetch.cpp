#include "net/asio.hpp"

#include "net/http_fetch.hpp"

#include "net/body_stream.hpp"
#include "net/cancellable.hpp"
#include "net/connection.hpp"
#include "net/host/part_file.hpp"
#include "net/retry.hpp"
#include "net/url.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <limits>
#include <memory>
#include <optional>

namespace hive::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

using detail::exchange_result;
using detail::failure;
using detail::stream_body;
using detail::transfer_failure;
using detail::use_tuple;

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

/// Refuses an answer whose announced length contradicts what we know: the
/// size announced elsewhere, or the node's limit.
std::optional<exchange_result> refuse_length(const url& u, const fetch_request& req,
                                             std::uint64_t already,
                                             boost::optional<std::uint64_t> length) {
  if (!length)
    return std::nullopt;
  auto total = already + *length;
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

/// Sends the GET, reads the header, and streams a success body to the part file.
template <class Stream>
asio::awaitable<exchange_result> exchange(Stream& stream, const url& u, const fetch_request& req,
                                          bool send_token, bool via_proxy,
                                          const fetch_observer& obs) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  // A plain-HTTP proxy takes the absolute URL as the request target.
  http::request<http::empty_body> request{http::verb::get, via_proxy ? u.str() : u.target, 11};
  request.set(http::field::host, u.authority());
  request.set(http::field::user_agent, "rbee-hive-provisioner/0.1");
  request.set(http::field::accept_encoding, "identity");
  if (!req.accept.empty())
    request.set(http::field::accept, req.accept);
  if (send_token && !req.bearer_token.empty())
    request.set(http::field::authorization, "Bearer " + req.bearer_token);
  auto previous = req.resume ? read_partial(req.part_path) : partial_download{};
  if (previous.size > 0) { // the rest, and only if it is still the same version
    request.set(http::field::range, "bytes=" + std::to_string(previous.size) + "-");
    request.set(http::field::if_range, previous.validator);
  }
  tcp_layer.expires_after(req.stall_timeout);
  if (auto [ec, n] = co_await http::async_write(stream, request, use_tuple); ec)
    co_return transfer_failure(ec, u, 0, 0);

  beast::flat_buffer buffer;
  buffer.reserve(64 * 1024); // without it every read returns 512 bytes
  http::response_parser<http::buffer_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  tcp_layer.expires_after(req.stall_timeout);
  if (auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple); ec)
    co_return transfer_failure(ec, u, 0, 0);

  auto status = parser.get().result();
  if (is_redirect(status)) {
    exchange_result out;
    out.location = std::string{parser.get()[http::field::location]};
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
  if (http::to_status_class(status) != http::status_class::successful) {
    auto out = failure(download_errc::http_status, u.shown() + " answered "
                                                       + std::to_string(parser.get().result_int())
                                                       + " " + std::string{parser.get().reason()});
    out.outcome.http_status = parser.get().result_int();
    out.outcome.refusal_headers = detail::lower_case_headers(parser.get());
    co_return out;
  }
  std::uint64_t already = 0; // a 200 answer to a ranged request starts over
  if (status == http::status::partial_content) {
    auto expected = "bytes " + std::to_string(previous.size) + "-";
    if (previous.size == 0 || !parser.get()[http::field::content_range].starts_with(expected))
      co_return failure(download_errc::http_status,
                        u.shown() + " answered a range we did not ask for: "
                            + std::string{parser.get()[http::field::content_range]});
    already = previous.size;
  }
  auto validator =
      validator_of(parser.get()[http::field::etag], parser.get()[http::field::last_modified]);
  if (auto refused = refuse_length(u, req, already, parser.content_length()))
    co_return std::move(*refused);
  std::uint64_t body_total = parser.content_length().value_or(0);
  if (obs.on_response)
    obs.on_response(u.shown(), body_total ? already + body_total : 0, already);
  co_return co_await stream_body(stream, buffer, parser, u, req, obs, already, validator);
}

/// One exchange with `u`: connect (through the proxy, with TLS), then `exchange`.
asio::awaitable<exchange_result> exchange_with(const url& u, const std::optional<url>& proxy,
                                               const fetch_request& req, bool send_token,
                                               const fetch_observer& obs) {
  auto use = [&](auto& stream, bool via_proxy) {
    return exchange(stream, u, req, send_token, via_proxy, obs);
  };
  auto on_failure = [](detail::connect_failure f) { return failure(f.code, std::move(f.message)); };
  co_return co_await detail::with_connection<exchange_result>(u, proxy, req.ca_file,
                                                              req.connect_timeout, use, on_failure);
}

/// One attempt: the request and its redirects.
asio::awaitable<fetch_outcome> fetch_once(fetch_request& req, const fetch_observer& obs) {
  auto current = parse_url(req.url);
  if (!current)
    co_return failure(download_errc::internal, "not an http(s) URL: " + shown_url(req.url)).outcome;
  auto origin = req.token_origin.empty() ? current : parse_url(req.token_origin);
  for (int hop = 0;; ++hop) {
    // The token stays with its origin, and never goes down to plain http.
    bool send_token = origin && current->host == origin->host && current->port == origin->port
                      && current->scheme == origin->scheme;
    auto route = req.proxy.proxy_for(*current);
    if (!route.error.empty())
      co_return failure(download_errc::connection_failed, route.error).outcome;
    auto result = co_await exchange_with(*current, route.proxy, req, send_token, obs);
    if (result.restart) { // our partial cannot be continued: drop it, ask again
      remove_partial(req.part_path);
      req.resume = false;
      continue;
    }
    if (!result.location)
      co_return std::move(result.outcome);
    if (hop >= req.max_redirects)
      co_return failure(download_errc::too_many_redirects,
                        "more than " + std::to_string(req.max_redirects) + " redirects from "
                            + shown_url(req.url))
          .outcome;
    auto next = resolve_location(*current, *result.location);
    if (!next)
      co_return failure(download_errc::http_status,
                        current->shown()
                            + " redirected to an invalid location: " + shown_url(*result.location))
          .outcome;
    if (obs.on_redirect)
      obs.on_redirect(current->shown(), next->shown());
    current = std::move(*next);
  }
}

asio::awaitable<fetch_outcome> run_fetch(fetch_request req, fetch_observer obs) {
  for (int attempt = 1;; ++attempt) {
    auto out = co_await fetch_once(req, obs);
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
