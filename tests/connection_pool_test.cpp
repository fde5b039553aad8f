// The pool's bookkeeping on a clock the test sets, and its liveness check
// and shutdown on real loopback sockets.

#include "net/asio.hpp"

#include "net/connection.hpp"
#include "net/connection_pool.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <gtest/gtest.h>

#include <array>
#include <chrono>

#include <poll.h>

using namespace hive;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

using detail_connection = net::detail::open_connection;

class ConnectionPoolTest : public ::testing::Test {
protected:
  /// A connection object that never connected: the pool only keeps it.
  std::unique_ptr<detail_connection> unconnected() {
    auto c = std::make_unique<detail_connection>();
    c->plain.emplace(ioc);
    return c;
  }

  /// A plain connection to `acceptor`, and the server's end of it in `peer`.
  std::unique_ptr<detail_connection> connected(tcp::socket& peer) {
    auto c = unconnected();
    c->plain->socket().connect(acceptor.local_endpoint());
    acceptor.accept(peer);
    return c;
  }

  net::connection_key key(const std::string& port) {
    return {"http", "127.0.0.1", port, "", ""};
  }

  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}};
  net::connection_pool::clock::time_point t0 = net::connection_pool::clock::now();
};

TEST_F(ConnectionPoolTest, KeepsAtMostPerKeyAndInAllClosingTheOldest) {
  net::connection_pool pool{{.per_key = 2, .total = 3, .idle_timeout = 30s}};
  auto first = unconnected();
  auto* first_seen = first.get();
  pool.give(key("1"), std::move(first), t0);
  pool.give(key("1"), unconnected(), t0 + 1s);
  pool.give(key("1"), unconnected(), t0 + 2s); // the oldest of the key goes
  EXPECT_EQ(pool.idle(), 2u);
  for (int i = 0; i < 2; ++i)
    EXPECT_NE(pool.take(key("1"), t0 + 3s).get(), first_seen);
  EXPECT_EQ(pool.take(key("1"), t0 + 3s), nullptr);

  pool.give(key("1"), unconnected(), t0);
  pool.give(key("2"), unconnected(), t0 + 1s);
  pool.give(key("3"), unconnected(), t0 + 2s);
  pool.give(key("4"), unconnected(), t0 + 3s); // the oldest of all goes
  EXPECT_EQ(pool.idle(), 3u);
  EXPECT_EQ(pool.take(key("1"), t0 + 4s), nullptr);
  EXPECT_NE(pool.take(key("4"), t0 + 4s), nullptr);
}

TEST_F(ConnectionPoolTest, AnIdleConnectionPastTheTimeoutIsClosedNotReused) {
  net::connection_pool pool{{.per_key = 16, .total = 64, .idle_timeout = 30s}};
  pool.give(key("1"), unconnected(), t0);
  EXPECT_NE(pool.take(key("1"), t0 + 29s), nullptr);
  pool.give(key("1"), unconnected(), t0);
  pool.give(key("2"), unconnected(), t0 + 20s);
  EXPECT_EQ(pool.take(key("1"), t0 + 30s), nullptr);
  EXPECT_EQ(pool.idle(), 1u); // expired ones are closed whatever key is asked for
  EXPECT_NE(pool.take(key("2"), t0 + 30s), nullptr);
}

TEST_F(ConnectionPoolTest, AConnectionServesOnlyWhatItWasOpenedFor) {
  net::connection_pool pool;
  const net::connection_key opened{"https", "cdn.example", "443", "", ""};
  pool.give(opened, unconnected(), t0);
  for (auto other : {net::connection_key{"http", "cdn.example", "443", "", ""},
                     net::connection_key{"https", "hub.example", "443", "", ""},
                     net::connection_key{"https", "cdn.example", "8443", "", ""},
                     net::connection_key{"https", "cdn.example", "443", "http://proxy:3128", ""},
                     net::connection_key{"https", "cdn.example", "443", "", "/etc/extra-ca.pem"}})
    EXPECT_EQ(pool.take(other, t0), nullptr);
  EXPECT_NE(pool.take(opened, t0), nullptr);
}

TEST_F(ConnectionPoolTest, TheConnectionIdleTheShortestTimeIsTakenFirst) {
  net::connection_pool pool;
  pool.give(key("1"), unconnected(), t0);
  auto recent = unconnected();
  auto* recent_seen = recent.get();
  pool.give(key("1"), std::move(recent), t0 + 1s);
  EXPECT_EQ(pool.take(key("1"), t0 + 2s).get(), recent_seen);
}

TEST_F(ConnectionPoolTest, AConnectionThePeerClosedWhileIdleIsNotTaken) {
  net::connection_pool pool;
  tcp::socket closing{ioc};
  tcp::socket staying{ioc};
  pool.give(key("1"), connected(staying), net::connection_pool::clock::now());
  auto dead = connected(closing);
  auto* dead_seen = dead.get();
  pool.give(key("1"), std::move(dead), net::connection_pool::clock::now());
  closing.close();
  // Wait for the FIN: the client's end turns readable.
  pollfd ready{dead_seen->plain->socket().native_handle(), POLLIN, 0};
  ASSERT_EQ(::poll(&ready, 1, -1), 1);
  auto taken = net::detail::take_open(pool, key("1"));
  ASSERT_NE(taken, nullptr);
  EXPECT_NE(taken.get(), dead_seen);
  EXPECT_EQ(pool.idle(), 0u); // the dead one was closed on the way
  EXPECT_EQ(net::detail::take_open(pool, key("1")), nullptr);
}

TEST_F(ConnectionPoolTest, IdleConnectionsCloseWhenThePoolGoes) {
  tcp::socket peer{ioc};
  {
    net::connection_pool pool;
    pool.give(key("1"), connected(peer), net::connection_pool::clock::now());
  }
  std::array<char, 1> byte{};
  boost::system::error_code ec;
  asio::read(peer, asio::buffer(byte), ec);
  EXPECT_EQ(ec, asio::error::eof);
}

} // namespace
