#include "net/asio.hpp"

#include "net/connection_pool.hpp"

#include "net/connection.hpp"

#include <algorithm>

namespace hive::net {

connection_pool::connection_pool() : connection_pool(limits{}) {
}

connection_pool::connection_pool(limits caps) : caps_(caps) {
}

connection_pool::~connection_pool() = default;

void connection_pool::expire(clock::time_point now, std::vector<entry>& closing) {
  auto stale = std::stable_partition(idle_.begin(), idle_.end(), [&](const entry& e) {
    return now - e.since < caps_.idle_timeout;
  });
  std::move(stale, idle_.end(), std::back_inserter(closing));
  idle_.erase(stale, idle_.end());
}

std::unique_ptr<detail::open_connection> connection_pool::take(const connection_key& key,
                                                               clock::time_point now) {
  std::vector<entry> closing; // closed once the lock is released
  std::lock_guard guard{mtx_};
  expire(now, closing);
  // The one idle for the shortest time is the least likely to be closing.
  auto last = std::find_if(idle_.rbegin(), idle_.rend(), [&](const entry& e) { return e.key == key; });
  if (last == idle_.rend())
    return nullptr;
  auto out = std::move(last->connection);
  idle_.erase(std::next(last).base());
  return out;
}

void connection_pool::give(const connection_key& key,
                           std::unique_ptr<detail::open_connection> connection,
                           clock::time_point now) {
  if (caps_.per_key == 0 || caps_.total == 0)
    return; // a pool that keeps nothing: the connection closes
  std::vector<entry> closing;
  std::lock_guard guard{mtx_};
  expire(now, closing);
  auto same = [&](const entry& e) { return e.key == key; };
  if (static_cast<std::size_t>(std::count_if(idle_.begin(), idle_.end(), same)) >= caps_.per_key) {
    auto oldest = std::find_if(idle_.begin(), idle_.end(), same);
    closing.push_back(std::move(*oldest));
    idle_.erase(oldest);
  } else if (idle_.size() >= caps_.total) {
    closing.push_back(std::move(idle_.front()));
    idle_.erase(idle_.begin());
  }
  idle_.push_back(entry{key, std::move(connection), now});
}

std::size_t connection_pool::idle() const {
  std::lock_guard guard{mtx_};
  return idle_.size();
}

} // namespace hive::net
