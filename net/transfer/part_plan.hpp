#pragma once

#include "net/transfer/byte_ranges.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

namespace hive::net {

/// Which bytes of a file each connection fetches. Work is handed out lowest
/// first in pieces, so that the landed prefix (which the hash follows) grows
/// steadily; once nothing is left unassigned, an idle connection takes over
/// the back half of the part with the most left (as aria2 does), so that no
/// slow connection holds up the end. Runs on one strand: no locking.
class part_plan {
public:
  /// The bytes of `[0, total)` not in `done`, handed out `piece` bytes at a
  /// time; a part is split only when each half keeps `min_steal` bytes.
  part_plan(std::uint64_t total, const byte_ranges& done, std::uint64_t piece,
            std::uint64_t min_steal);

  /// Work for a connection: a part's id, or nullopt when nothing is worth taking.
  std::optional<std::size_t> take();
  /// What part `id` still has to fetch, `[next, end)`; its end moves down
  /// when another connection takes over its back half.
  byte_span left(std::size_t id) const;
  /// `bytes` of part `id` arrived.
  void advance(std::size_t id, std::uint64_t bytes);
  /// Lengthens part `id` by the next piece when nobody has it and it follows
  /// directly: for a connection whose answer goes on past the part's end.
  bool extend(std::size_t id);
  /// The connection of part `id` stops; what it did not fetch is handed out again.
  void release(std::size_t id);

  /// Whether every byte is either fetched or in a part.
  bool all_assigned() const {
    return unassigned_.empty();
  }
  /// Parts handed out and not released.
  std::size_t parts() const {
    return parts_.size();
  }

private:
  /// Takes the first piece of the unassigned `range` (the rest stays
  /// unassigned); returns where the piece ends.
  std::uint64_t carve(std::map<std::uint64_t, std::uint64_t>::iterator range);

  std::uint64_t piece_;
  std::uint64_t min_steal_;
  std::map<std::uint64_t, std::uint64_t> unassigned_; // begin -> end
  std::map<std::size_t, byte_span> parts_;             // id -> [next, end)
  std::size_t next_id_ = 0;
};

} // namespace hive::net
