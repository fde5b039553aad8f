#include "net/asio.hpp"

#include "tests/support/test_registry.hpp"

#include "tests/support/loopback_server.hpp"
#include "tests/support/test_file_server.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace hive::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

namespace {

constexpr const char* service = "hive-test-registry";
constexpr const char* issuer = "hive-test-issuer";
constexpr const char* manifest_type = "application/vnd.docker.distribution.manifest.v2+json";

std::string base64(const std::string& data, bool url) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                           reinterpret_cast<const unsigned char*>(data.data()),
                           static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  if (url) {
    for (auto& c : out)
      c = c == '+' ? '-' : c == '/' ? '_' : c;
    out.erase(out.find_last_not_of('=') + 1);
  }
  return out;
}

/// The test TLS server key and certificate: the token signer the registry
/// trusts through the test CA.
struct signer {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
  std::string cert_der;

  signer() {
    auto dir = fs::path{tls_dir()};
    if (auto* f = std::fopen((dir / "server.key").c_str(), "r")) {
      key.reset(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
      std::fclose(f);
    }
    if (auto* f = std::fopen((dir / "server.pem").c_str(), "r")) {
      X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
      std::fclose(f);
      unsigned char* der = nullptr;
      int size = cert ? i2d_X509(cert, &der) : 0;
      if (size > 0)
        cert_der.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(size));
      OPENSSL_free(der);
      X509_free(cert);
    }
    if (!key || cert_der.empty())
      throw std::runtime_error("test_registry: cannot read the test TLS key and certificate");
  }

  /// A JWT granting pull and push on `repo`.
  std::string token(const std::string& repo, int id) const {
    auto now = static_cast<long long>(std::time(nullptr));
    auto header = R"({"typ":"JWT","alg":"RS256","x5c":[")" + base64(cert_der, false) + R"("]})";
    auto claims = R"({"iss":")" + std::string{issuer} + R"(","sub":"","aud":")" + service
                  + R"(","exp":)" + std::to_string(now + 600) + R"(,"nbf":)"
                  + std::to_string(now - 60) + R"(,"iat":)" + std::to_string(now) + R"(,"jti":"t)"
                  + std::to_string(id) + R"(","access":[{"type":"repository","name":")" + repo
                  + R"(","actions":["pull","push"]}]})";
    auto input = base64(header, true) + "." + base64(claims, true);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
    std::size_t size = 0;
    EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get());
    EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string signature(size, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    signature.resize(size);
    return input + "." + base64(signature, true);
  }
};

/// `repository:<name>:<actions>` -> `<name>`.
std::string scope_repo(std::string_view target) {
  auto at = target.find("scope=");
  if (at == std::string_view::npos)
    return {};
  auto scope = target.substr(at + 6, target.find('&', at) - at - 6);
  std::string decoded;
  for (std::size_t i = 0; i < scope.size(); ++i) {
    if (scope[i] == '%' && i + 2 < scope.size()) {
      decoded += static_cast<char>(std::stoi(std::string{scope.substr(i + 1, 2)}, nullptr, 16));
      i += 2;
    } else {
      decoded += scope[i];
    }
  }
  auto first = decoded.find(':');
  auto last = decoded.rfind(':');
  return first == last ? std::string{} : decoded.substr(first + 1, last - first - 1);
}

std::uint16_t free_port() {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, {asio::ip::make_address("127.0.0.1"), 0}};
  return acceptor.local_endpoint().port();
}

} // namespace

struct test_registry::impl {
  signer sign;
  std::atomic<int> granted{0};
  fs::path dir;
  std::uint16_t port = 0;
  pid_t pid = -1;

  ~impl() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  loopback_server tokens{[this](tcp::socket socket) { return serve_token(std::move(socket)); }};
  loopback_server slow{[this](tcp::socket socket) { return relay(std::move(socket)); }};

  /// Copies `from` to `to`, at most `rate` bytes per second (0: no limit).
  static asio::awaitable<void> pump(tcp::socket& from, tcp::socket& to, std::size_t rate) {
    using asio::as_tuple, asio::use_awaitable;
    std::vector<char> chunk(rate ? rate / 50 : 64 * 1024);
    asio::steady_timer timer{co_await asio::this_coro::executor};
    while (true) {
      auto [ec, n] = co_await from.async_read_some(asio::buffer(chunk), as_tuple(use_awaitable));
      if (ec)
        break;
      if (auto [wec, w] = co_await asio::async_write(to, asio::buffer(chunk.data(), n),
                                                     as_tuple(use_awaitable));
          wec)
        break;
      if (rate) {
        timer.expires_after(std::chrono::milliseconds{20});
        co_await timer.async_wait(as_tuple(use_awaitable));
      }
    }
    boost::system::error_code ignored;
    to.shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> relay(tcp::socket client) {
    using namespace asio::experimental::awaitable_operators;
    tcp::socket upstream{client.get_executor()};
    auto [ec] = co_await upstream.async_connect({asio::ip::make_address("127.0.0.1"), port},
                                                asio::as_tuple(asio::use_awaitable));
    if (ec)
      co_return;
    co_await (pump(client, upstream, 0) && pump(upstream, client, 4 * 1024 * 1024));
  }

  asio::awaitable<void> serve_token(tcp::socket socket) {
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    auto [ec, n] =
        co_await http::async_read(socket, buffer, req, asio::as_tuple(asio::use_awaitable));
    if (ec)
      co_return;
    http::response<http::string_body> res{http::status::ok, 11};
    auto repo = scope_repo(req.target());
    if (!req.target().starts_with("/token") || repo.empty()) {
      res.result(http::status::bad_request);
    } else {
      auto jwt = sign.token(repo, ++granted);
      res.set(http::field::content_type, "application/json");
      res.body() = R"({"token":")" + jwt + R"(","access_token":")" + jwt + R"(","expires_in":600})";
    }
    res.prepare_payload();
    co_await http::async_write(socket, res, asio::as_tuple(asio::use_awaitable));
  }

  /// One request to the registry, synchronously.
  http::response<http::string_body> call(http::verb verb, const std::string& target,
                                         const std::string& token, std::string body = {},
                                         const std::string& type = "application/octet-stream") {
    asio::io_context ioc;
    tcp::socket socket{ioc};
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    req.set(http::field::authorization, "Bearer " + token);
    req.set(http::field::content_type, type);
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return res;
  }

  void start() {
    char pattern[] = "/tmp/hive-registry-XXXXXX";
    if (!::mkdtemp(pattern))
      throw std::runtime_error("test_registry: mkdtemp failed");
    dir = pattern;
    port = free_port();
    std::ofstream{dir / "config.yml"}
        << "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
        << "storage:\n  filesystem:\n    rootdirectory: " << (dir / "data").string() << "\n"
        << "http:\n  addr: 127.0.0.1:" << port << "\n"
        << "auth:\n  token:\n    realm: http://127.0.0.1:" << tokens.port() << "/token\n"
        << "    service: " << service << "\n    issuer: " << issuer << "\n"
        << "    rootcertbundle: " << (fs::path{tls_dir()} / "ca.pem").string() << "\n";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    auto log = (dir / "registry.log").string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    auto config = (dir / "config.yml").string();
    const char* argv[] = {"docker-registry", "serve", config.c_str(), nullptr};
    int rc =
        posix_spawnp(&pid, "docker-registry", &actions, nullptr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
      throw std::runtime_error("test_registry: cannot start docker-registry (apt install "
                               "docker-registry)");
    // Ready once it answers /v2/ with a challenge naming our token service (the
    // port it was given may have been taken meanwhile: then it exits).
    auto realm = "127.0.0.1:" + std::to_string(tokens.port()) + "/token";
    for (int i = 0; i < 200 && ::waitpid(pid, nullptr, WNOHANG) == 0; ++i) {
      try {
        auto res = call(http::verb::get, "/v2/", "");
        if (std::string{res[http::field::www_authenticate]}.find(realm) != std::string::npos)
          return;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    throw std::runtime_error("test_registry: docker-registry did not start; see " + log);
  }

  std::string push_blob(const std::string& repo, const std::string& token,
                        const std::string& content) {
    auto started = call(http::verb::post, "/v2/" + repo + "/blobs/uploads/", token);
    std::string location{started[http::field::location]};
    if (started.result() != http::status::accepted || location.empty())
      throw std::runtime_error("test_registry: upload refused: " + started.body());
    if (auto scheme = location.find("://"); scheme != std::string::npos)
      location = location.substr(location.find('/', scheme + 3));
    auto digest = "sha256:" + sha256_hex(content);
    location += (location.find('?') == std::string::npos ? "?digest=" : "&digest=") + digest;
    auto put = call(http::verb::put, location, token, content);
    if (put.result() != http::status::created)
      throw std::runtime_error("test_registry: blob refused: " + put.body());
    return digest;
  }
};

test_registry::test_registry() : impl_(std::make_unique<impl>()) {
  impl_->start();
}

test_registry::~test_registry() = default;

std::string test_registry::base() const {
  return "http://" + host();
}

std::string test_registry::slow_base() const {
  return "http://127.0.0.1:" + std::to_string(impl_->slow.port());
}

std::string test_registry::host() const {
  return "127.0.0.1:" + std::to_string(impl_->port);
}

std::string test_registry::push_model(const std::string& repo, const std::string& tag,
                                      const std::vector<layer>& layers) {
  auto token = impl_->sign.token(repo, 0);
  auto descriptor = [](const std::string& type, const std::string& digest, std::size_t size) {
    return R"({"mediaType":")" + type + R"(","digest":")" + digest + R"(","size":)"
           + std::to_string(size) + "}";
  };
  std::string entries;
  std::string diff_ids;
  for (const auto& [type, content] : layers) {
    auto digest = impl_->push_blob(repo, token, content);
    entries += (entries.empty() ? "" : ",") + descriptor(type, digest, content.size());
    diff_ids += (diff_ids.empty() ? "\"" : ",\"") + digest + "\"";
  }
  auto config = R"({"model_format":"gguf","model_family":"llama","model_type":"1B",)"
                R"("file_type":"Q4_K_M","architecture":"amd64","os":"linux",)"
                R"("rootfs":{"type":"layers","diff_ids":[)"
                + diff_ids + "]}}";
  auto config_digest = impl_->push_blob(repo, token, config);
  auto manifest =
      R"({"schemaVersion":2,"mediaType":")" + std::string{manifest_type} + R"(","config":)"
      + descriptor("application/vnd.docker.container.image.v1+json", config_digest, config.size())
      + R"(,"layers":[)" + entries + "]}";
  auto put = impl_->call(http::verb::put, "/v2/" + repo + "/manifests/" + tag, token, manifest,
                         manifest_type);
  if (put.result() != http::status::created)
    throw std::runtime_error("test_registry: manifest refused: " + put.body());
  return manifest;
}

void test_registry::corrupt_blob(const std::string& sha256) {
  auto data = impl_->dir / "data" / "docker" / "registry" / "v2" / "blobs" / "sha256"
              / sha256.substr(0, 2) / sha256 / "data";
  auto content = read_file(data);
  for (auto& c : content)
    c = static_cast<char>(~c);
  std::ofstream{data, std::ios::binary | std::ios::trunc} << content;
}

int test_registry::tokens_granted() const {
  return impl_->granted.load();
}

} // namespace hive::test
