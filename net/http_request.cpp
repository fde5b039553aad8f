#include "net/asio.hpp"

#include "net/http_request.hpp"

#include "net/connection.hpp"
#include "net/retry.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>

namespace hive::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

http_answer failed(download_errc code, std::string message) {
  http_answer out;
  out.code = code;
  out.error = std::move(message);
  return out;
}

template <class Stream>
asio::awaitable<http_answer> exchange(Stream& stream, const std::string& method, const url& u,
                                      const std::string& body, bool via_proxy,
                                      const request_options& opts, detail::connection_use& how) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  http::request<http::string_body> req{http::string_to_verb(method), via_proxy ? u.str() : u.target,
                                       11};
  req.set(http::field::host, u.authority());
  req.set(http::field::user_agent, "rbee-hive-provisioner/0.1");
  req.set(http::field::accept_encoding, "identity");
  if (!opts.bearer_token.empty())
    req.set(http::field::authorization, "Bearer " + opts.bearer_token);
  for (const auto& [name, value] : opts.headers)
    req.set(name, value);
  if (!body.empty())
    req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  tcp_layer.expires_after(opts.timeout);
  // A server may refuse a request before reading all of it (413): its answer
  // is still worth reading, so only a connection that took nothing fails here.
  auto [write_ec, sent] = co_await http::async_write(stream, req, use_tuple);
  if (write_ec && (how.closed_before_answer(write_ec, false) || sent == 0))
    co_return failed(download_errc::connection_reset,
                     "cannot send to " + u.authority() + ": " + write_ec.message());
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(method == "HEAD"); // its Content-Length announces a body that never comes
  parser.header_limit(64 * 1024);
  parser.body_limit(opts.body_limit);
  if (auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple); ec) {
    how.closed_before_answer(ec, parser.got_some() || buffer.size() > 0);
    if (ec == beast::error::timeout)
      co_return failed(download_errc::stalled, u.shown() + " did not answer in time");
    co_return failed(download_errc::connection_reset,
                     "no complete answer from " + u.authority() + ": " + ec.message());
  }
  how.reusable = !write_ec && parser.keep_alive() && buffer.size() == 0;
  http_answer out;
  out.status = parser.get().result_int();
  out.headers = detail::lower_case_headers(parser.get());
  out.body = std::move(parser.get().body());
  co_return out;
}

asio::awaitable<http_answer> request_once(const std::string& method, const url& u,
                                          const std::string& body, const request_options& opts) {
  auto route = opts.proxy.proxy_for(u);
  if (!route.error.empty())
    co_return failed(download_errc::connection_failed, route.error);
  auto use = [&](auto& stream, bool via_proxy, detail::connection_use& how) {
    return exchange(stream, method, u, body, via_proxy, opts, how);
  };
  auto on_failure = [](detail::connect_failure f) { return failed(f.code, std::move(f.message)); };
  co_return co_await detail::with_connection<http_answer>(
      u, route.proxy, opts.ca_file, opts.connect_timeout, opts.connections, use, on_failure);
}

} // namespace

std::string http_answer::header(const std::string& name) const {
  auto i = headers.find(name);
  return i == headers.end() ? std::string{} : i->second;
}

asio::awaitable<http_answer> request(std::string method, url target, std::string body,
                                     const request_options& opts) {
  for (int attempt = 1;; ++attempt) {
    auto answer = co_await request_once(method, target, body, opts);
    auto delay = retry_delay(answer.status, answer.header("retry-after"), attempt, opts.max_retries,
                             opts.retry_backoff);
    if (!delay)
      co_return answer;
    if (opts.on_retry)
      opts.on_retry(attempt, *delay, target.shown() + " answered " + std::to_string(answer.status));
    asio::steady_timer pause{co_await asio::this_coro::executor, *delay};
    co_await pause.async_wait(asio::use_awaitable); // a cancel ends the wait at once
  }
}

failure refusal_error(const http_answer& answer, const std::string& what,
                      const refusal_explainer& explain) {
  if (answer.status == 0)
    return {answer.code, answer.error};
  auto detail = what + " answered " + std::to_string(answer.status);
  if (explain)
    if (auto explained = explain(answer.status, answer.headers, detail))
      return std::move(*explained);
  return {download_errc::http_status, detail};
}

} // namespace hive::net
