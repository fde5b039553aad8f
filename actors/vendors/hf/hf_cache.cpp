#include "actors/vendors/hf/hf_cache.hpp"

#include "net/host/file_system.hpp"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace hive::hf {

namespace fs = std::filesystem;

repo_cache::repo_cache(const fs::path& root, std::string_view repo) {
  std::string folder = "models--";
  for (char c : repo)
    folder += c == '/' ? std::string{"--"} : std::string{c};
  dir_ = root / folder;
}

fs::path repo_cache::blob(const std::string& etag) const {
  return dir_ / "blobs" / etag;
}

fs::path repo_cache::incomplete(const std::string& etag) const {
  return dir_ / "blobs" / (etag + ".incomplete");
}

fs::path repo_cache::pointer(const std::string& commit, const std::string& path) const {
  return dir_ / "snapshots" / commit / path;
}

std::error_code repo_cache::write_ref(const std::string& revision,
                                      const std::string& commit) const {
  std::error_code ec;
  if (revision == commit)
    return ec;
  return net::write_atomically(dir_ / "refs" / revision, commit);
}

std::error_code link_pointer(const fs::path& pointer, const fs::path& blob) {
  std::error_code ec;
  fs::create_directories(pointer.parent_path(), ec);
  if (ec)
    return ec;
  auto target = fs::relative(blob, pointer.parent_path(), ec);
  if (ec)
    return ec;
  // Made aside and renamed over the pointer: jobs that share a blob may link
  // the same pointer at once, and a remove-then-create would race.
  static std::atomic<std::uint64_t> serial{0};
  auto aside = pointer;
  aside += ".link-" + std::to_string(serial.fetch_add(1)) + ".tmp";
  fs::create_symlink(target, aside, ec);
  if (!ec)
    fs::rename(aside, pointer, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(aside, ignored);
  }
  return ec;
}

namespace {

/// The `models--*` folder a pointer belongs to, and its snapshot folder.
struct pointer_place {
  fs::path repo;
  fs::path snapshot;
};

std::optional<pointer_place> place_of(const fs::path& pointer) {
  for (auto dir = pointer.parent_path(); dir.has_relative_path(); dir = dir.parent_path()) {
    if (dir.parent_path().filename() == "snapshots"
        && dir.parent_path().parent_path().filename().string().starts_with("models--"))
      return pointer_place{dir.parent_path().parent_path(), dir};
  }
  return std::nullopt;
}

/// The blobs the snapshots of `repo` still link to, one walk for all.
std::set<fs::path> linked_blobs(const fs::path& repo) {
  std::set<fs::path> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it{repo / "snapshots", ec}, end; !ec && it != end;
       it.increment(ec)) {
    std::error_code link_ec;
    if (!it->is_symlink(link_ec))
      continue;
    if (auto blob = fs::weakly_canonical(it->path(), link_ec); !link_ec)
      out.insert(std::move(blob));
  }
  return out;
}

void drop_refs_to(const fs::path& repo, const std::string& commit) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (fs::recursive_directory_iterator it{repo / "refs", ec}, end; !ec && it != end;
       it.increment(ec)) {
    if (!it->is_regular_file(ec))
      continue;
    std::ifstream in{it->path()};
    std::string value;
    if (std::getline(in, value) && value == commit)
      stale.push_back(it->path());
  }
  for (const auto& ref : stale)
    fs::remove(ref, ec);
}

} // namespace

std::size_t release_pointers(const std::vector<fs::path>& pointers, std::error_code& ec) {
  std::size_t released = 0;
  std::map<fs::path, std::set<fs::path>> orphans; // repo -> blobs that lost a link
  std::set<std::pair<fs::path, fs::path>> snapshots;
  for (const auto& pointer : pointers) {
    auto place = place_of(pointer);
    std::error_code link_ec;
    if (!place || !fs::is_symlink(pointer, link_ec))
      continue;
    ++released;
    auto blob = fs::weakly_canonical(pointer, link_ec);
    fs::remove(pointer, ec);
    // Only a blob of this repository, never whatever a link may point at.
    auto blobs = fs::weakly_canonical(place->repo / "blobs", link_ec);
    if (!link_ec && blob.parent_path() == blobs)
      orphans[place->repo].insert(std::move(blob));
    net::remove_empty_up_to(pointer.parent_path(), place->snapshot.parent_path());
    snapshots.emplace(place->repo, place->snapshot);
  }
  for (const auto& [repo, blobs] : orphans) {
    auto linked = linked_blobs(repo);
    for (const auto& blob : blobs)
      if (!linked.contains(blob))
        fs::remove(blob, ec);
  }
  for (const auto& [repo, snapshot] : snapshots)
    if (!fs::exists(snapshot))
      drop_refs_to(repo, snapshot.filename().string());
  return released;
}

bool release_pointer(const fs::path& pointer, std::error_code& ec) {
  return release_pointers({pointer}, ec) == 1;
}

bool is_safe_repo_path(std::string_view path) {
  if (path.empty() || path.front() == '/')
    return false;
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f || c == '\\')
      return false;
  while (true) {
    auto slash = path.find('/');
    auto segment = path.substr(0, slash);
    if (segment.empty() || segment == "." || segment == "..")
      return false;
    if (slash == std::string_view::npos)
      return true;
    path.remove_prefix(slash + 1);
  }
}

fs::path cache_root_from_environment(const fs::path& fallback) {
  if (const char* hub = std::getenv("HF_HUB_CACHE"); hub && *hub)
    return hub;
  if (const char* home = std::getenv("HF_HOME"); home && *home)
    return fs::path{home} / "hub";
  return fallback;
}

} // namespace hive::hf
