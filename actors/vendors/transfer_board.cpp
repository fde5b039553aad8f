#include "actors/vendors/transfer_board.hpp"

namespace hive {

caf::expected<transfer_board::seat> transfer_board::join_or_open(
    const caf::actor& worker, const file_task& task, const net::fetch_observer& observer,
    const std::function<caf::expected<std::shared_ptr<shared_transfer>>()>& open) {
  std::lock_guard lock{mutex_};
  std::erase_if(transfers_, [](const auto& entry) { return entry.second.expired(); });
  if (auto i = transfers_.find(task.part_path); i != transfers_.end())
    if (auto running = i->second.lock())
      if (auto joined = running->attach(worker, task, observer))
        return seat{std::move(running), std::move(joined)};
  // None, or one this task cannot share: its claim refuses the new one.
  auto opened = open();
  if (!opened)
    return std::move(opened.error());
  (*opened)->attach(worker, task, observer);
  transfers_[task.part_path] = *opened;
  return seat{std::move(*opened), std::nullopt};
}

bool transfer_board::in_use(const std::string& part_path) const {
  std::lock_guard lock{mutex_};
  auto i = transfers_.find(part_path);
  if (i == transfers_.end())
    return false;
  auto transfer = i->second.lock();
  return transfer && transfer->attended();
}

std::shared_ptr<shared_transfer> transfer_board::find_content(std::string_view sha256) const {
  std::lock_guard lock{mutex_};
  std::shared_ptr<shared_transfer> unsized;
  for (const auto& [part, weak] : transfers_)
    if (auto transfer = weak.lock(); transfer && transfer->task().sha256 == sha256
                                     && transfer->may_land()) {
      if (transfer->size() > 0)
        return transfer;
      unsized = std::move(transfer);
    }
  return unsized;
}

} // namespace hive
