#include "net/transfer/part_plan.hpp"

#include <algorithm>

namespace hive::net {

part_plan::part_plan(std::uint64_t total, const byte_ranges& done, std::uint64_t piece,
                     std::uint64_t min_steal)
    : piece_(std::max<std::uint64_t>(piece, 1)), min_steal_(std::max<std::uint64_t>(min_steal, 1)) {
  for (const auto& gap : done.gaps(total))
    unassigned_.emplace(gap.begin, gap.end);
}

std::uint64_t part_plan::carve(std::map<std::uint64_t, std::uint64_t>::iterator range) {
  auto end = range->first + std::min(piece_, range->second - range->first);
  auto rest_end = range->second;
  unassigned_.erase(range);
  if (end < rest_end)
    unassigned_.emplace(end, rest_end);
  return end;
}

std::optional<std::size_t> part_plan::take() {
  if (!unassigned_.empty()) {
    auto begin = unassigned_.begin()->first;
    parts_.emplace(next_id_, byte_span{begin, carve(unassigned_.begin())});
    return next_id_++;
  }
  auto most = std::max_element(parts_.begin(), parts_.end(), [](const auto& a, const auto& b) {
    return a.second.size() < b.second.size();
  });
  if (most == parts_.end() || most->second.size() / 2 < min_steal_)
    return std::nullopt;
  auto& victim = most->second;
  auto middle = victim.begin + victim.size() / 2;
  parts_.emplace(next_id_, byte_span{middle, victim.end});
  victim.end = middle;
  return next_id_++;
}

byte_span part_plan::left(std::size_t id) const {
  auto it = parts_.find(id);
  return it == parts_.end() ? byte_span{} : it->second;
}

void part_plan::advance(std::size_t id, std::uint64_t bytes) {
  if (auto it = parts_.find(id); it != parts_.end())
    it->second.begin = std::min(it->second.end, it->second.begin + bytes);
}

bool part_plan::extend(std::size_t id) {
  auto it = parts_.find(id);
  if (it == parts_.end())
    return false;
  auto next = unassigned_.find(it->second.end);
  if (next == unassigned_.end())
    return false;
  it->second.end = carve(next);
  return true;
}

void part_plan::release(std::size_t id) {
  auto it = parts_.find(id);
  if (it == parts_.end())
    return;
  auto rest = it->second;
  parts_.erase(it);
  if (rest.size() == 0)
    return;
  // Merged with neighbours, so that a piece handed out again can be a whole one.
  auto after = unassigned_.find(rest.end);
  if (after != unassigned_.end()) {
    rest.end = after->second;
    unassigned_.erase(after);
  }
  auto before = unassigned_.lower_bound(rest.begin);
  if (before != unassigned_.begin() && std::prev(before)->second == rest.begin) {
    std::prev(before)->second = rest.end;
    return;
  }
  unassigned_.emplace(rest.begin, rest.end);
}

} // namespace hive::net
