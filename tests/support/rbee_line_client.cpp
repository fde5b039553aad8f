#include "net/asio.hpp"

#include "tests/support/rbee_line_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <limits>

namespace hive::test {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool is_marker(std::string_view data) {
  return data == "[DONE]" || data == "[CANCELLED]" || data.starts_with("[ERROR]");
}

std::string_view trimmed(std::string_view line) {
  constexpr std::string_view space = " \t\r\n\v\f";
  auto first = line.find_first_not_of(space);
  if (first == std::string_view::npos)
    return {};
  return line.substr(first, line.find_last_not_of(space) - first + 1);
}

/// The keeper's handling of one line; true when it stops reading.
bool take_line(std::string_view line, rbee_transcript& out) {
  auto data = trimmed(line);
  if (data.starts_with("data: "))
    data.remove_prefix(6);
  else if (data.starts_with("data:"))
    data.remove_prefix(5);
  if (data.empty())
    return false;
  out.printed.emplace_back(data);
  return is_marker(data);
}

asio::awaitable<void> read_stream(std::uint16_t port, std::string target,
                                  std::chrono::seconds timeout, rbee_transcript& out) {
  beast::tcp_stream stream{co_await asio::this_coro::executor};
  stream.expires_after(timeout);
  auto [cec] =
      co_await stream.async_connect({asio::ip::make_address("127.0.0.1"), port}, use_tuple);
  if (cec) {
    out.error = "connect: " + cec.message();
    co_return;
  }
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::accept, "text/event-stream");
  if (auto [ec, n] = co_await http::async_write(stream, req, use_tuple); ec) {
    out.error = "write: " + ec.message();
    co_return;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple); ec) {
    out.error = "header: " + ec.message();
    co_return;
  }
  out.status = parser.get().result_int();
  out.content_type = std::string{parser.get()[http::field::content_type]};
  bool line_by_line = out.status / 100 == 2;
  std::string pending; // bytes after the last newline, as the keeper's buffer
  char chunk[16 * 1024];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof(chunk);
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
    if (ec == http::error::need_buffer)
      ec = {};
    std::string_view got{chunk, sizeof(chunk) - parser.get().body().size};
    out.raw += got;
    if (line_by_line) {
      pending += got;
      for (auto newline = pending.find('\n'); newline != std::string::npos;
           newline = pending.find('\n')) {
        auto line = pending.substr(0, newline + 1);
        pending.erase(0, newline + 1);
        if (take_line(line, out)) {
          out.stopped_at_marker = true;
          co_return;
        }
      }
    }
    if (ec) {
      out.error = "body: " + ec.message();
      co_return;
    }
  }
  if (line_by_line && !pending.empty()) // the keeper prints a last unterminated line too
    take_line(pending, out);
}

} // namespace

rbee_transcript read_like_rbee(std::uint16_t port, const std::string& target,
                               std::chrono::seconds timeout) {
  asio::io_context ioc;
  rbee_transcript out;
  asio::co_spawn(ioc, read_stream(port, target, timeout, out), asio::detached);
  ioc.run();
  return out;
}

} // namespace hive::test
