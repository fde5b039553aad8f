#include "net/asio.hpp"

#include "net/http_client.hpp"

#include "net/connection.hpp"
#include "net/http_request.hpp"
#include "net/url.hpp"

#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <limits>

namespace hive::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

template <class Coro>
auto run_blocking(Coro coro) {
  asio::io_context ioc;
  auto future = asio::co_spawn(ioc, std::move(coro), asio::use_future);
  ioc.run();
  return future.get();
}

asio::awaitable<http_reply> call(std::string method, std::string target_url, std::string body,
                                 std::chrono::milliseconds timeout, std::string bearer_token) {
  auto u = parse_url(target_url);
  if (!u)
    co_return http_reply{0, {}, "invalid URL " + target_url};
  request_options opts;
  opts.connect_timeout = timeout;
  opts.timeout = timeout;
  opts.body_limit = 64 * 1024 * 1024;
  opts.max_retries = 0; // a person or a test is waiting: say what happened
  opts.bearer_token = std::move(bearer_token);
  auto answer = co_await request(std::move(method), *u, std::move(body), opts);
  co_return http_reply{answer.status, std::move(answer.body), std::move(answer.error)};
}

/// Feeds complete lines of `pending` to the SSE event assembler.
class sse_assembler {
public:
  /// Returns false when the consumer wants to stop.
  bool feed(std::string& pending, const std::function<bool(const sse_event&)>& on_event) {
    std::size_t start = 0;
    for (auto nl = pending.find('\n', start); nl != std::string::npos;
         nl = pending.find('\n', start)) {
      std::string_view line{pending.data() + start, nl - start};
      start = nl + 1;
      if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
      if (line.empty()) {
        if (has_data_ && !on_event(current_)) {
          pending.erase(0, start);
          return false;
        }
        current_ = {};
        has_data_ = false;
        continue;
      }
      if (line.front() == ':')
        continue;
      auto colon = line.find(':');
      auto field = line.substr(0, colon);
      auto value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
      if (field == "id")
        current_.id = value;
      else if (field == "event")
        current_.name = value;
      else if (field == "data") {
        if (has_data_)
          current_.data += '\n';
        current_.data += value;
        has_data_ = true;
      }
    }
    pending.erase(0, start);
    return true;
  }

private:
  sse_event current_;
  bool has_data_ = false;
};

/// Sends the GET and feeds the stream's events to `on_event` until it ends.
template <class Stream>
asio::awaitable<std::string>
read_events(Stream& stream, const url& u, const std::function<bool(const sse_event&)>& on_event,
            const std::string& last_event_id, std::chrono::milliseconds idle_timeout,
            const std::string& bearer_token) {
  auto& tcp_layer = beast::get_lowest_layer(stream);
  http::request<http::empty_body> req{http::verb::get, u.target, 11};
  req.set(http::field::host, u.authority());
  req.set(http::field::user_agent, "provision/0.1");
  req.set(http::field::accept, "text/event-stream");
  if (!last_event_id.empty())
    req.set("Last-Event-ID", last_event_id);
  if (!bearer_token.empty())
    req.set(http::field::authorization, "Bearer " + bearer_token);
  tcp_layer.expires_after(idle_timeout);
  if (auto [ec, n] = co_await http::async_write(stream, req, use_tuple); ec)
    co_return "cannot send to " + u.authority() + ": " + ec.message();
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple); ec)
    co_return "no answer from " + u.authority() + ": " + ec.message();
  if (parser.get().result_int() != 200)
    co_return "server answered " + std::to_string(parser.get().result_int());
  char chunk[16 * 1024];
  std::string pending;
  sse_assembler assembler;
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof(chunk);
    tcp_layer.expires_after(idle_timeout);
    // read_some: a full read would wait for the buffer to fill.
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
    if (ec == http::error::need_buffer)
      ec = {};
    pending.append(chunk, sizeof(chunk) - parser.get().body().size);
    if (!assembler.feed(pending, on_event))
      co_return std::string{};
    if (ec)
      co_return "stream from " + u.authority() + " broke: " + ec.message();
  }
  co_return std::string{};
}

asio::awaitable<std::string> stream(std::string target_url,
                                    const std::function<bool(const sse_event&)>& on_event,
                                    std::string last_event_id,
                                    std::chrono::milliseconds idle_timeout,
                                    std::string bearer_token) {
  auto u = parse_url(target_url);
  if (!u)
    co_return "invalid URL " + target_url;
  // An event stream holds its connection to its end: nothing to pool.
  auto use = [&](auto& s, bool, detail::connection_use&) {
    return read_events(s, *u, on_event, last_event_id, idle_timeout, bearer_token);
  };
  auto on_failure = [](detail::connect_failure f) { return std::move(f.message); };
  const std::string system_trust_only;
  co_return co_await detail::with_connection<std::string>(
      *u, std::nullopt, system_trust_only, idle_timeout, nullptr, use, on_failure);
}

} // namespace

http_reply http_call(const std::string& method, const std::string& url, const std::string& body,
                     std::chrono::milliseconds timeout, const std::string& bearer_token) {
  return run_blocking(call(method, url, body, timeout, bearer_token));
}

std::string read_sse(const std::string& url, const std::function<bool(const sse_event&)>& on_event,
                     const std::string& last_event_id, std::chrono::milliseconds idle_timeout,
                     const std::string& bearer_token) {
  return run_blocking(stream(url, on_event, last_event_id, idle_timeout, bearer_token));
}

} // namespace hive::net
