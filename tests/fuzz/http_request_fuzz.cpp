// Bytes from a client as the API server reads them: Beast's request parser
// with the server's limits, then the body of a POST as an operation.

#include "net/api/operation.hpp"
#include "net/http_server.hpp"

#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const hive::net::server_limits limits;
  http::request_parser<http::string_body> parser;
  parser.header_limit(limits.header_limit);
  parser.body_limit(limits.body_limit);
  parser.eager(true);
  boost::beast::error_code ec;
  auto input = boost::asio::const_buffer{data, size};
  while (input.size() > 0 && !ec && !parser.is_done()) {
    auto used = parser.put(input, ec);
    if (ec == http::error::need_more)
      break;
    input += used;
  }
  if (!parser.is_done() && (!ec || ec == http::error::need_more)) {
    ec = {};
    parser.put_eof(ec);
  }
  if (!ec && parser.is_done()) {
    const auto& req = parser.get();
    (void)req.target();
    (void)req["Host"];
    (void)req["Origin"];
    if (req.method() == http::verb::post)
      (void)hive::parse_operation(req.body());
  }
  return 0;
}
