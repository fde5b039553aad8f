#include "actors/node/blob_locator.hpp"

#include "actors/catalog/model_catalog.hpp"
#include "actors/vendors/transfer_board.hpp"
#include "net/host/part_file.hpp"

namespace hive {

namespace fs = std::filesystem;

namespace {

/// Whether `path` is `root` or lies below it (both real paths).
bool below(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p)
    if (p == path.end() || *p != *r)
      return false;
  return true;
}

} // namespace

blob_locator::blob_locator(fs::path models_dir, std::vector<fs::path> stores,
                           std::shared_ptr<transfer_board> transfers)
  : models_dir_(std::move(models_dir)), stores_(std::move(stores)),
    transfers_(std::move(transfers)) {
}

// Each time: a store may not exist yet when the daemon starts (a Hugging
// Face cache of its own, made by the first Hub download).
bool blob_locator::inside_stores(const fs::path& real) const {
  for (const auto& store : stores_) {
    std::error_code ec;
    auto real_store = fs::canonical(store, ec);
    if (!ec && below(real, real_store))
      return true;
  }
  return false;
}

blob_presence blob_locator::presence(std::string_view sha256) const {
  if (auto whole = open_whole(sha256))
    return {blob_presence::holding::complete, whole->size(), whole->size(), false};
  if (!transfers_)
    return {};
  auto transfer = transfers_->find_content(sha256);
  if (!transfer)
    return {};
  const auto& task = transfer->task();
  auto partial = net::read_partial(task.part_path);
  auto landed = partial.validator == "sha256:" + task.sha256 ? partial.size : 0;
  return {blob_presence::holding::fetching, transfer->size(), landed, transfer->from_origin(),
          transfer->deciding()};
}

bool blob_locator::sizing(std::string_view sha256) const {
  auto transfer = transfers_ ? transfers_->find_content(sha256) : nullptr;
  return transfer && transfer->size() == 0;
}

std::optional<net::blob_file> blob_locator::open(std::string_view sha256) const {
  if (auto whole = open_whole(sha256))
    return whole;
  return open_landing(sha256);
}

std::optional<net::blob_file> blob_locator::open_whole(std::string_view sha256) const {
  for (const auto& record : model_catalog{models_dir_}.list())
    for (const auto& file : record.files) {
      if (file.sha256 != sha256)
        continue;
      std::error_code ec;
      auto real = fs::canonical(file.blob.empty() ? file.path : file.blob, ec);
      if (ec || !inside_stores(real))
        continue;
      if (auto opened = net::blob_file::open_whole(real, file.size))
        return opened;
    }
  return std::nullopt;
}

std::optional<net::blob_file> blob_locator::open_landing(std::string_view sha256) const {
  if (!transfers_)
    return std::nullopt;
  auto transfer = transfers_->find_content(sha256);
  if (!transfer || transfer->size() == 0)
    return std::nullopt;
  const auto& task = transfer->task();
  std::error_code ec;
  auto real = fs::canonical(task.part_path, ec);
  if (ec || !inside_stores(real))
    return std::nullopt;
  // Weak: a reader must not keep the transfer (and its claim on the
  // partial) alive once its jobs have let go of it.
  std::weak_ptr<shared_transfer> weak = transfer;
  return net::blob_file::open_landing(real, task.final_path, transfer->size(), task.sha256, [weak] {
    auto alive = weak.lock();
    return alive && alive->may_land();
  });
}

} // namespace hive
