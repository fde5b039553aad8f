#include "net/host/space_ledger.hpp"

#include "net/format/human_units.hpp"

#include <algorithm>
#include <utility>

namespace hive::net {

std::string space_shortfall::text() const {
  auto out = "needs " + format_bytes(needed) + ", " + format_bytes(free) + " free on "
             + mount_point.string();
  if (promised > 0)
    out += " after the " + format_bytes(promised) + " other downloads hold";
  if (min_free > 0)
    out += ", and " + format_bytes(min_free) + " must stay free (--min-free)";
  return out;
}

space_ledger::space_ledger(measure_fn measure) : measure_(std::move(measure)) {
}

std::optional<space_shortfall> space_ledger::reserve(const std::string& owner,
                                                     const std::vector<space_claim>& claims,
                                                     std::uint64_t min_free) {
  std::map<std::uint64_t, space_shortfall> needs; // by device
  for (const auto& c : claims) {
    auto& need = needs[c.on.device];
    need.mount_point = c.on.mount_point;
    need.needed += c.bytes;
    need.min_free = min_free;
  }
  std::lock_guard guard{mutex_};
  for (auto& [device, need] : needs) {
    std::error_code ec;
    auto available = measure_(need.mount_point, ec);
    if (ec)
      continue;
    auto it = promised_.find(device);
    need.promised = it == promised_.end() ? 0 : it->second;
    need.free = available > need.promised ? available - need.promised : 0;
    if (need.free < min_free || need.free - min_free < need.needed)
      return need;
  }
  auto& mine = owners_[owner];
  for (const auto& c : claims) {
    auto& p = mine[c.file];
    drop(p); // a file claimed again replaces its earlier claim
    p = promise{c.on.device, c.bytes};
    promised_[p.device] += p.bytes;
  }
  return std::nullopt;
}

void space_ledger::release(const std::string& owner, const std::string& file) {
  std::lock_guard guard{mutex_};
  auto it = owners_.find(owner);
  if (it == owners_.end())
    return;
  if (auto p = it->second.find(file); p != it->second.end()) {
    drop(p->second);
    it->second.erase(p);
  }
  if (it->second.empty())
    owners_.erase(it);
}

void space_ledger::release_all(const std::string& owner) {
  std::lock_guard guard{mutex_};
  auto it = owners_.find(owner);
  if (it == owners_.end())
    return;
  for (const auto& [file, p] : it->second)
    drop(p);
  owners_.erase(it);
}

std::uint64_t space_ledger::promised(std::uint64_t device) const {
  std::lock_guard guard{mutex_};
  auto it = promised_.find(device);
  return it == promised_.end() ? 0 : it->second;
}

void space_ledger::drop(const promise& p) {
  auto it = promised_.find(p.device);
  if (it == promised_.end())
    return;
  it->second -= std::min(it->second, p.bytes);
  if (it->second == 0)
    promised_.erase(it);
}

space_hold::space_hold(space_ledger& ledger, std::string owner)
  : ledger_(&ledger), owner_(std::move(owner)) {
}

space_hold::space_hold(space_hold&& other) noexcept
  : ledger_(std::exchange(other.ledger_, nullptr)), owner_(std::move(other.owner_)) {
}

space_hold& space_hold::operator=(space_hold&& other) noexcept {
  if (this != &other) {
    if (ledger_)
      ledger_->release_all(owner_);
    ledger_ = std::exchange(other.ledger_, nullptr);
    owner_ = std::move(other.owner_);
  }
  return *this;
}

space_hold::~space_hold() {
  if (ledger_)
    ledger_->release_all(owner_);
}

} // namespace hive::net
