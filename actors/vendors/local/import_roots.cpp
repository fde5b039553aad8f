#include "actors/vendors/local/import_roots.hpp"

#include "messages/errc.hpp"

#include <algorithm>

namespace hive {

namespace {

namespace fs = std::filesystem;

/// True when `path` is `root` or lies below it (both real, absolute paths).
bool is_within(const fs::path& path, const fs::path& root) {
  auto rel = path.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

fs::path real_path(const fs::path& path) {
  std::error_code ec;
  auto real = fs::weakly_canonical(path, ec);
  return ec ? path.lexically_normal() : real;
}

} // namespace

caf::error check_import_path(const fs::path& path, const std::vector<fs::path>& roots) {
  if (roots.empty())
    return make_error(api_errc::import_not_allowed,
                      "local: imports are off on this node; its operator allows them below a "
                      "folder with --import-root DIR");
  auto real = real_path(path);
  // Reading these gives away the daemon's environment, memory and devices,
  // and a root of `/` must not open them.
  for (const char* kernel : {"/proc", "/sys", "/dev"})
    if (is_within(real, kernel))
      return make_error(api_errc::import_not_allowed,
                        path.string() + " is in " + kernel + ", which is never imported");
  if (std::any_of(roots.begin(), roots.end(),
                  [&](const fs::path& root) { return is_within(real, real_path(root)); }))
    return {};
  std::string listed;
  for (const auto& root : roots)
    listed += (listed.empty() ? "" : ", ") + root.string();
  auto shown = real == path ? path.string() : path.string() + " (really " + real.string() + ")";
  return make_error(api_errc::import_not_allowed,
                    shown + " is outside every import root (--import-root: " + listed + ")");
}

} // namespace hive
