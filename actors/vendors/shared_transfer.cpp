#include "actors/vendors/shared_transfer.hpp"

#include "messages/type_ids.hpp"

#include <caf/send.hpp>

#include <algorithm>

namespace hive {

shared_transfer::shared_transfer(file_task task, net::part_claim claim, bool deciding)
  : task_(std::move(task)), claim_(std::move(claim)), deciding_(deciding),
    from_origin_(task_.mirrors.empty()) {
}

bool shared_transfer::from_origin() const {
  std::lock_guard lock{mutex_};
  return from_origin_;
}

bool shared_transfer::deciding() const {
  std::lock_guard lock{mutex_};
  return deciding_;
}

void shared_transfer::settle(bool from_origin) {
  std::lock_guard lock{mutex_};
  deciding_ = false;
  from_origin_ = from_origin;
}

bool shared_transfer::accepts(const file_task& task) const {
  if (followers_.empty() && !started_ && !stopping_)
    return true; // the worker that starts it
  // While the first worker decides where to fetch from, the work is as good
  // as started: it will run for whoever is attached (leave_undecided).
  if (!(started_ || deciding_) || stopping_ || (progress_.result && !progress_.result->ok)
      || (landed_ && *landed_))
    return false;
  // A digest names the content whatever the source; without one only the
  // same source serves the same bytes.
  bool named = !task.sha256.empty() || !task.git_sha1.empty();
  return task.size == task_.size && task.sha256 == task_.sha256 && task.git_sha1 == task_.git_sha1
         && (named || task.url == task_.url);
}

std::optional<shared_transfer::progress>
shared_transfer::attach(const caf::actor& worker, const file_task& task,
                        const net::fetch_observer& observer) {
  std::lock_guard lock{mutex_};
  if (!accepts(task))
    return std::nullopt;
  followers_.push_back({worker, observer});
  // Under the lock, so that the tracker never sees the bytes go back.
  if (progress_.responded && observer.on_progress)
    observer.on_progress(progress_.bytes, progress_.total, progress_.connections,
                         progress_.sources);
  return progress_;
}

bool shared_transfer::attended() const {
  std::lock_guard lock{mutex_};
  return !followers_.empty();
}

std::uint64_t shared_transfer::size() const {
  if (task_.size > 0)
    return task_.size;
  std::lock_guard lock{mutex_};
  return progress_.responded ? progress_.total : 0;
}

bool shared_transfer::may_land() const {
  std::lock_guard lock{mutex_};
  return !stopping_ && !(progress_.result && !progress_.result->ok) && !(landed_ && *landed_);
}

bool shared_transfer::leave(const caf::actor_addr& worker, bool await_stop) {
  std::function<void()> stop;
  bool wait = false;
  {
    std::lock_guard lock{mutex_};
    auto me = std::find_if(followers_.begin(), followers_.end(),
                           [&](const follower& f) { return f.worker.address() == worker; });
    if (me == followers_.end())
      return false;
    if (followers_.size() == 1 && !progress_.result) {
      stopping_ = true;
      stop = canceller_;
    }
    wait = followers_.size() == 1 && await_stop;
    if (!wait)
      followers_.erase(me);
  }
  // Outside the lock: a canceller may report at once.
  if (stop)
    stop();
  return wait;
}

bool shared_transfer::leave_undecided(const caf::actor_addr& worker) {
  std::lock_guard lock{mutex_};
  std::erase_if(followers_, [&](const follower& f) { return f.worker.address() == worker; });
  if (followers_.empty())
    stopping_ = true;
  return !followers_.empty();
}

void shared_transfer::run(std::function<void()> canceller) {
  std::function<void()> stop;
  {
    std::lock_guard lock{mutex_};
    started_ = true;
    deciding_ = false;
    canceller_ = std::move(canceller);
    // A worker that attached while the first decided left before the start.
    if (stopping_ && !progress_.result)
      stop = canceller_;
  }
  if (stop)
    stop();
}

net::fetch_observer shared_transfer::observer() {
  // Weak: the work must not keep alive what only its workers need.
  std::weak_ptr<shared_transfer> weak = shared_from_this();
  auto fan_out = [weak](auto member) {
    return [weak, member](const auto&... args) {
      if (auto self = weak.lock()) {
        std::lock_guard lock{self->mutex_};
        self->forward(member, args...);
      }
    };
  };
  net::fetch_observer obs;
  obs.on_response = [weak](const auto&... args) {
    if (auto self = weak.lock()) {
      std::lock_guard lock{self->mutex_};
      self->progress_.responded = true;
      self->forward(&net::fetch_observer::on_response, args...);
    }
  };
  obs.on_redirect = fan_out(&net::fetch_observer::on_redirect);
  obs.on_retry = fan_out(&net::fetch_observer::on_retry);
  obs.on_source_failed = fan_out(&net::fetch_observer::on_source_failed);
  obs.on_progress = [weak](std::uint64_t bytes, std::uint64_t total, std::uint32_t connections,
                           const std::vector<source_bytes>& sources) {
    if (auto self = weak.lock()) {
      std::lock_guard lock{self->mutex_};
      self->progress_.bytes = bytes;
      self->progress_.total = total;
      self->progress_.connections = connections;
      self->progress_.sources = sources;
      self->forward(&net::fetch_observer::on_progress, bytes, total, connections, sources);
    }
  };
  return obs;
}

void shared_transfer::deliver(transfer_result r) {
  std::function<void()> gone;
  {
    std::lock_guard lock{mutex_};
    // The canceller may hold the work, which holds this: let go of it.
    gone = std::move(canceller_);
    canceller_ = nullptr;
    // Before anyone hears of it: a partial that stays (the work stopped
    // short) holds no space it did not fill, and one that a later attempt
    // could not resume goes; a whole file has none to give.
    claim_.give_back_unfilled();
    if (!r.ok)
      claim_.drop_if_unresumable(task_.part_path);
    progress_.result = r;
    for (const auto& f : followers_)
      caf::anon_send(f.worker, r);
  }
}

caf::error shared_transfer::land_once(const std::function<caf::error()>& land) {
  std::lock_guard lock{mutex_};
  if (!landed_)
    landed_ = land();
  return *landed_;
}

} // namespace hive
