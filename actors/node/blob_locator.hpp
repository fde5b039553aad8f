#pragma once

#include "messages/blob_messages.hpp"
#include "net/host/blob_file.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace hive {

class transfer_board;

/// Where this hive's blobs are, by sha256: whole files the catalog records
/// (a Hub cache blob, an Ollama layer, a `url:` or GitHub file with a
/// digest), then transfers under way (`transfer_board`). It answers the
/// cluster's question (`presence`: the cluster actor asks it for other
/// hives) and opens blobs for `GET /v1/blobs/sha256/<hex>` (`open`).
///
/// Only files inside the daemon's stores are ever found: the models folder
/// and the Hugging Face cache and Ollama store it writes to. A path the
/// catalog records is resolved (links included) and must stay inside one of
/// them, so a link pointing out (or an edited `metadata.json`) exposes
/// nothing else of the node. Thread-safe; both calls read the catalog from
/// disk (one `metadata.json` per model), so call them off actor threads
/// where a model count in the thousands would matter.
class blob_locator {
public:
  /// `stores`: the folders blobs may be served from (`models_dir` and the
  /// vendors' stores); `transfers`: null when no transfer is ever shared.
  blob_locator(std::filesystem::path models_dir, std::vector<std::filesystem::path> stores,
               std::shared_ptr<transfer_board> transfers);

  /// {none | complete(size) | fetching(size, landed bytes, from the origin)}
  /// for `sha256` (64 lower-case hex digits).
  blob_presence presence(std::string_view sha256) const;

  /// Whether a transfer of `sha256` is under way that does not know the
  /// blob's size yet (its origin has not answered): `open` finds it once it does.
  bool sizing(std::string_view sha256) const;

  /// The blob opened for reading: the whole file when there is one, else the
  /// partial of a transfer under way; nullopt when neither.
  std::optional<net::blob_file> open(std::string_view sha256) const;

private:
  std::optional<net::blob_file> open_whole(std::string_view sha256) const;
  std::optional<net::blob_file> open_landing(std::string_view sha256) const;
  /// Whether `real` (a path with every link resolved) lies inside one of
  /// the stores (their links resolved too).
  bool inside_stores(const std::filesystem::path& real) const;

  std::filesystem::path models_dir_;
  std::vector<std::filesystem::path> stores_;
  std::shared_ptr<transfer_board> transfers_;
};

} // namespace hive
