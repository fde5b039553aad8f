#pragma once

#include "messages/transfer_messages.hpp"
#include "net/url.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hive::net {

/// Where one file's bytes come from: its mirrors (other hives that hold
/// it), then its origin. A new connection goes to the live mirror with the
/// fewest connections, so that a transfer's connections spread over them;
/// the origin is used only once every mirror is dropped. Keeps what each
/// source sent across the attempts of one fetch. Runs on one strand: no
/// locking.
class source_set {
public:
  explicit source_set(const std::vector<blob_source>& mirrors);

  /// The source a new connection should use.
  std::size_t pick() const;
  std::size_t origin() const {
    return mirrors_;
  }
  bool is_origin(std::size_t source) const {
    return source == mirrors_;
  }
  /// Whether the mirror `source` was dropped (never true of the origin).
  bool dropped(std::size_t source) const;
  /// Drops mirror `source` for the rest of the fetch; false when it was
  /// dropped already (so that only its first failure is told).
  bool drop(std::size_t source);
  /// The mirror's URL, nullopt when it is not an http(s) URL.
  const std::optional<url>& target(std::size_t source) const;
  /// The mirror's token, empty for none.
  const std::string& token(std::size_t source) const;
  /// The name narration and progress give the source.
  const std::string& name(std::size_t source) const;

  /// A connection starts or stops using `source`.
  void connect(std::size_t source);
  void disconnect(std::size_t source);
  /// Connections using `source` now.
  unsigned connections(std::size_t source) const;

  /// `bytes` from `source` landed.
  void add_bytes(std::size_t source, std::uint64_t bytes);
  /// The bytes each source sent, for those that sent some: the mirrors in
  /// their order, then the origin.
  std::vector<source_bytes> tally() const;
  /// What landed was thrown away (the file changed): the count starts over.
  void forget_bytes();

private:
  struct source {
    std::string name;
    std::optional<url> target;
    std::string token;
    bool dropped = false;
    unsigned connections = 0;
    std::uint64_t bytes = 0;
  };

  /// The mirrors, then the origin (whose target the transfer resolves).
  std::vector<source> sources_;
  std::size_t mirrors_;
};

} // namespace hive::net
