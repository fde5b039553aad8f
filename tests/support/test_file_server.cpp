#include "net/asio.hpp"

#include "tests/support/test_file_server.hpp"

#include "net/host/sha256.hpp"
#include "tests/support/loopback_server.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <charconv>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <sstream>

namespace hive::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::uint64_t query_number(std::string_view query, std::string_view key) {
  auto at = query.find(std::string{key} + "=");
  if (at == std::string_view::npos)
    return 0;
  auto value = query.substr(at + key.size() + 1);
  std::uint64_t n = 0;
  std::from_chars(value.data(), value.data() + value.size(), n);
  return n;
}

/// The text of `key=` in `query` (up to the next `&`); empty when absent.
std::string query_text(std::string_view query, std::string_view key) {
  auto at = query.find(std::string{key} + "=");
  if (at == std::string_view::npos)
    return {};
  auto value = query.substr(at + key.size() + 1);
  return std::string{value.substr(0, value.find('&'))};
}

/// Aborts the connection with a TCP reset instead of an orderly close.
void reset(tcp::socket& socket) {
  beast::error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

} // namespace

struct test_file_server::impl {
  std::optional<ssl::context> tls;
  mutable std::mutex mtx;
  struct file {
    std::shared_ptr<const std::string> data;
    std::string etag;
  };
  std::map<std::string, file> files;
  std::vector<std::string> seen;
  std::vector<std::string> authorizations;
  std::vector<std::string> ranges;
  std::vector<std::string> if_ranges;
  std::vector<std::uint64_t> served;
  /// The connection each request came on, and how many have begun.
  std::vector<std::size_t> carried_by;
  std::size_t sessions = 0;
  std::map<std::string, int> flaky_answers;
  /// Signed URLs minted by `/signed/`, and how often each was used.
  std::uint64_t signatures = 0;
  std::map<std::uint64_t, std::uint64_t> signature_uses;
  /// Faults asked for once (`stall_once_at`, `reset_once_at`) that have struck.
  std::set<std::string> struck;
  /// Answers of files being sent right now (for `max_open`).
  unsigned sending = 0;

  /// Whether the one-time fault `key` strikes now (true the first time only).
  bool strike(const std::string& key) {
    std::lock_guard guard{mtx};
    return struck.insert(key).second;
  }

  /// Counts body bytes sent for request `index` (its place in `seen`).
  void count(std::size_t index, std::uint64_t n) {
    std::lock_guard guard{mtx};
    served.at(index) += n;
  }

  std::optional<file> find(const std::string& name) {
    std::lock_guard guard{mtx};
    auto i = files.find(name);
    if (i == files.end())
      return std::nullopt;
    return i->second;
  }

  /// An empty answer with `status`, after which the connection closes (false,
  /// as `serve` returns). No default arguments on coroutines: g++ 12 destroys
  /// them twice.
  template <class Stream>
  asio::awaitable<bool> reply_status(Stream& stream, unsigned status, const std::string& location) {
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    if (!location.empty())
      res.set(http::field::location, location);
    res.keep_alive(false);
    res.prepare_payload();
    co_await http::async_write(stream, res, use_tuple);
    co_return false;
  }

  /// Sends a file's bytes (from `from` when a matching range was asked for),
  /// throttled, cut off or otherwise broken as the query asks; `index` is the
  /// request's place in `seen`, for counting what was served. Returns whether
  /// the connection may serve another request: the whole answer went, said
  /// keep-alive (`keep_alive`, unless `close=1`), and `hangup=1` did not ask
  /// to close it anyway (as a server whose keep-alive timeout expired).
  template <class Stream>
  asio::awaitable<bool> send_file(Stream& stream, const file& f, std::uint64_t from,
                                  std::uint64_t to, bool ranged, std::string_view query,
                                  std::size_t index, bool keep_alive) {
    const std::string& data = *f.data;
    auto rate = query_number(query, "rate");
    auto reset_after = query_number(query, "reset_after");
    auto stall_after = query_number(query, "stall_after");
    auto overrun = query_number(query, "overrun");
    auto announce = query_number(query, "announce");
    bool chunked = query_number(query, "chunked") != 0;
    // One-time faults at an absolute offset, for the answer that reaches it first.
    struct once {
      std::string key;
      std::uint64_t at;
    };
    std::vector<once> faults;
    for (const char* key : {"stall_once_at", "reset_once_at"})
      if (auto at = query_number(query, key); at > from && at < to)
        faults.push_back({key + std::string{query}, at - from});
    if (auto status = query_number(query, "status"))
      co_return co_await reply_status(stream, static_cast<unsigned>(status), "");
    http::response<http::empty_body> res{ranged ? http::status::partial_content : http::status::ok,
                                         11};
    res.set(http::field::content_type, "application/octet-stream");
    res.set(http::field::etag, f.etag);
    if (query_number(query, "ranges") != 0)
      res.set(http::field::accept_ranges, "bytes");
    if (ranged)
      res.set(http::field::content_range, "bytes " + std::to_string(from) + "-"
                                              + std::to_string(to - 1) + "/"
                                              + std::to_string(data.size()));
    if (chunked)
      res.chunked(true);
    else
      res.content_length(announce ? announce : to - from);
    bool faulty = !faults.empty() || reset_after || stall_after || overrun || announce;
    keep_alive = keep_alive && !faulty && query_number(query, "close") == 0;
    res.keep_alive(keep_alive);
    http::response_serializer<http::empty_body> sr{res};
    if (auto [ec, n] = co_await http::async_write_header(stream, sr, use_tuple); ec)
      co_return false;
    // The body, plus any overrun: bytes past the end repeat the file.
    const std::uint64_t end = to + overrun;
    auto piece = [&](std::uint64_t at, std::size_t n) {
      std::string out;
      for (; n > 0; ++at, --n)
        out.push_back(data[at % data.size()]);
      return out;
    };
    const std::size_t step = rate ? std::max<std::uint64_t>(rate / 20, 1) : 256 * 1024;
    asio::steady_timer timer{co_await asio::this_coro::executor};
    for (std::uint64_t sent = 0; from + sent < end;) { // `sent`: bytes of this answer's body
      auto n = static_cast<std::size_t>(std::min<std::uint64_t>(step, end - from - sent));
      for (const auto& f : faults)
        if (f.at > sent && sent + n > f.at)
          n = f.at - sent;
      for (const auto& f : faults)
        if (f.at == sent && strike(f.key))
          (f.key[0] == 's' ? stall_after : reset_after) = sent;
      if (reset_after && sent + n > reset_after)
        n = reset_after - sent;
      if (stall_after && sent + n > stall_after)
        n = stall_after - sent;
      if (n > 0) {
        auto at = from + sent;
        std::string past_end;
        auto bytes = asio::buffer(data.data() + std::min<std::uint64_t>(at, data.size()), n);
        if (at + n > data.size())
          bytes = asio::buffer(past_end = piece(at, n));
        auto [ec, written] =
            chunked ? co_await asio::async_write(stream, http::make_chunk(bytes), use_tuple)
                    : co_await asio::async_write(stream, bytes, use_tuple);
        if (ec)
          co_return false;
        count(index, n);
        sent += n;
      }
      if (reset_after && sent >= reset_after) {
        // Let the client read what was sent: a reset discards unread data.
        timer.expires_after(std::chrono::milliseconds{200});
        co_await timer.async_wait(use_tuple);
        reset(beast::get_lowest_layer(stream).socket());
        co_return false;
      }
      if (stall_after && sent >= stall_after) { // keep the connection open, send nothing
        timer.expires_after(std::chrono::hours{1});
        co_await timer.async_wait(use_tuple);
        co_return false;
      }
      if (rate) {
        timer.expires_after(std::chrono::milliseconds{50});
        co_await timer.async_wait(use_tuple);
      }
    }
    if (chunked)
      if (auto [ec, n] = co_await asio::async_write(stream, http::make_chunk_last(), use_tuple); ec)
        co_return false;
    co_return keep_alive && query_number(query, "hangup") == 0;
  }

  /// Answers the next request on `stream`, the `nth` on its connection (0
  /// for the first); returns whether the connection may serve another.
  template <class Stream>
  asio::awaitable<bool> serve(Stream& stream, beast::flat_buffer& buffer, std::size_t nth,
                              std::size_t connection) {
    http::request<http::string_body> req;
    if (auto [ec, n] = co_await http::async_read(stream, buffer, req, use_tuple); ec)
      co_return false;
    std::string target{req.target()};
    std::size_t index = 0;
    {
      std::lock_guard guard{mtx};
      index = seen.size();
      seen.push_back(target);
      authorizations.emplace_back(req[http::field::authorization]);
      ranges.emplace_back(req[http::field::range]);
      if_ranges.emplace_back(req[http::field::if_range]);
      served.push_back(0);
      carried_by.push_back(connection);
    }
    auto q = target.find('?');
    std::string path = target.substr(0, q);
    std::string query = q == std::string::npos ? "" : target.substr(q + 1);
    if (nth > 0 && query_number(query, "drop_reused") != 0)
      co_return false; // closed unanswered, as a server whose keep-alive expired as it came
    if (path.rfind("/files/", 0) == 0) {
      auto f = find(path.substr(7));
      if (!f)
        co_return co_await reply_status(stream, 404, "");
      if (auto token = query_text(query, "bearer");
          !token.empty() && req[http::field::authorization] != "Bearer " + token)
        co_return co_await reply_status(stream, 401, "");
      if (auto sig = query_number(query, "sig")) { // a signed URL expires after some uses
        bool expired = false;
        {
          std::lock_guard guard{mtx};
          expired = ++signature_uses[sig] > query_number(query, "expire_sig_after");
        }
        if (expired)
          co_return co_await reply_status(stream, 403, "");
      }
      // `Range: bytes=N-` or `bytes=N-M` is honoured unless an `If-Range`
      // names another version.
      std::uint64_t from = 0;
      std::uint64_t to = f->data->size();
      auto range = std::string{req[http::field::range]};
      auto if_range = req[http::field::if_range];
      bool ranged = range.rfind("bytes=", 0) == 0 && (if_range.empty() || if_range == f->etag);
      if (ranged) {
        auto dash = range.find('-');
        from = std::stoull(range.substr(6, dash - 6));
        if (dash + 1 < range.size())
          to = std::min<std::uint64_t>(to, std::stoull(range.substr(dash + 1)) + 1);
      }
      if (ranged && from >= to)
        co_return co_await reply_status(stream, 416, "");
      {
        std::lock_guard guard{mtx};
        if (auto most = query_number(query, "max_open"); most && sending >= most)
          co_return false; // closed unanswered, as a server that limits each client's connections
        ++sending;
      }
      auto keep = co_await send_file(stream, *f, from, to, ranged, query, index, req.keep_alive());
      std::lock_guard guard{mtx};
      --sending;
      co_return keep;
    }
    if (path.rfind("/redirect/", 0) == 0) {
      auto rest = path.substr(10);
      auto slash = rest.find('/');
      int hops = std::stoi(rest.substr(0, slash));
      auto tail = rest.substr(slash);
      auto next = hops <= 0 ? tail : "/redirect/" + std::to_string(hops - 1) + tail;
      auto location = next + (query.empty() ? "" : "?" + query);
      co_return co_await reply_status(stream, 302, location);
    }
    if (path.rfind("/flaky/", 0) == 0) { // `/flaky/<n>/<name>`: n times 503, then the file
      auto rest = path.substr(7);
      auto slash = rest.find('/');
      int refusals = std::stoi(rest.substr(0, slash));
      bool refuse = false;
      {
        std::lock_guard guard{mtx};
        refuse = flaky_answers[path]++ < refusals;
      }
      auto f = find(rest.substr(slash + 1));
      if (!refuse && f)
        co_return co_await send_file(stream, *f, 0, f->data->size(), false, query, index,
                                     req.keep_alive());
      http::response<http::string_body> res{http::status::service_unavailable, 11};
      res.set(http::field::retry_after, "0");
      res.keep_alive(false);
      res.prepare_payload();
      co_await http::async_write(stream, res, use_tuple);
      co_return false;
    }
    if (path.rfind("/signed/", 0) == 0) { // to `/files/<name>` with a freshly signed query
      std::uint64_t sig = 0;
      {
        std::lock_guard guard{mtx};
        sig = ++signatures;
      }
      auto location = "/files/" + path.substr(8) + "?sig=" + std::to_string(sig)
                      + (query.empty() ? "" : "&" + query);
      co_return co_await reply_status(stream, 302, location);
    }
    if (path.rfind("/cross/", 0) == 0) { // to another host name for this same server
      auto rest = path.substr(7);
      auto location = "http://localhost:" + rest;
      co_return co_await reply_status(stream, 302, location);
    }
    if (path.rfind("/hang/", 0) == 0) { // read the request, never answer
      asio::steady_timer timer{co_await asio::this_coro::executor, std::chrono::hours{1}};
      co_await timer.async_wait(use_tuple);
      co_return false;
    }
    auto status = path.rfind("/status/", 0) == 0 ? std::stoi(path.substr(8)) : 404;
    co_return co_await reply_status(stream, static_cast<unsigned>(status), "");
  }

  /// Serves requests on one connection for as long as it stays alive.
  template <class Stream>
  asio::awaitable<void> serve_all(Stream& stream) {
    beast::flat_buffer buffer;
    std::size_t connection = 0;
    {
      std::lock_guard guard{mtx};
      connection = sessions++;
    }
    for (std::size_t nth = 0; co_await serve(stream, buffer, nth, connection); ++nth) {
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    if (tls) {
      beast::ssl_stream<beast::tcp_stream> stream{std::move(socket), *tls};
      if (auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple); !ec)
        co_await serve_all(stream);
    } else {
      beast::tcp_stream stream{std::move(socket)};
      co_await serve_all(stream);
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  // Last: it stops before the state its sessions use goes.
  std::optional<loopback_server> server;
};

test_file_server::test_file_server() : impl_(std::make_shared<impl>()) {
  impl_->server.emplace(
      [impl = impl_.get()](tcp::socket s) { return impl->session(std::move(s)); });
}

test_file_server::test_file_server(tls_files files) : impl_(std::make_shared<impl>()) {
  impl_->tls.emplace(ssl::context::tls_server);
  impl_->tls->use_certificate_chain_file(files.cert_pem);
  impl_->tls->use_private_key_file(files.key_pem, ssl::context::pem);
  impl_->server.emplace(
      [impl = impl_.get()](tcp::socket s) { return impl->session(std::move(s)); });
}

test_file_server::~test_file_server() {
  impl_->server.reset();
}

void test_file_server::add_file(const std::string& name, std::string content) {
  std::lock_guard guard{impl_->mtx};
  auto etag = "\"" + sha256_hex(content).substr(0, 16) + "\"";
  impl_->files[name] = {std::make_shared<const std::string>(std::move(content)), etag};
}

std::string test_file_server::etag(const std::string& name) const {
  std::lock_guard guard{impl_->mtx};
  auto i = impl_->files.find(name);
  return i == impl_->files.end() ? std::string{} : i->second.etag;
}

std::uint16_t test_file_server::port() const {
  return impl_->server->port();
}

std::size_t test_file_server::connections_accepted() const {
  return impl_->server->accepted();
}

std::string test_file_server::base_url() const {
  return std::string{impl_->tls ? "https" : "http"} + "://127.0.0.1:" + std::to_string(port());
}

std::vector<std::string> test_file_server::requests() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->seen;
}

std::vector<std::string> test_file_server::ranges() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->ranges;
}

std::vector<std::string> test_file_server::if_ranges() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->if_ranges;
}

std::vector<std::uint64_t> test_file_server::bytes_served() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->served;
}

std::vector<std::size_t> test_file_server::connections_of_requests() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->carried_by;
}

std::vector<std::string> test_file_server::authorizations() const {
  std::lock_guard guard{impl_->mtx};
  return impl_->authorizations;
}

std::string make_test_bytes(std::size_t size, std::uint32_t seed) {
  std::mt19937 gen{seed};
  std::string out(size, '\0');
  for (auto& c : out)
    c = static_cast<char>(gen() & 0xff);
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string sha256_hex(const std::string& data) {
  net::sha256_hasher hasher;
  hasher.update(data.data(), data.size());
  return hasher.hex_digest();
}

std::string tls_dir() {
  return std::string{PROVISIONER_SOURCE_DIR} + "/tests/data/tls";
}

} // namespace hive::test
