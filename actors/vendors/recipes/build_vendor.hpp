#pragma once

#include "actors/vendors/recipes/build_recipe.hpp"
#include "actors/vendors/vendor_base.hpp"

#include <chrono>

namespace hive {

struct build_settings {
  /// The builds `build:<name>` may run (`--recipes FILE`).
  build_recipes recipes;
  /// How long a cancelled build's processes get between SIGTERM and SIGKILL.
  std::chrono::milliseconds kill_grace{std::chrono::seconds{2}};
};

/// `build:<recipe>` (a build recipe configured on the node): `location` and
/// `model_id` are the recipe's name.
struct build_vendor : vendor_base {
  static constexpr std::string_view name = "build";
  static constexpr std::string_view syntax = "build:<recipe>";
  using settings = build_settings;

  static caf::expected<model_ref> parse(std::string_view text, std::string_view rest);
  static caf::actor start(caf::event_based_actor* supervisor, const vendor_context& ctx);
  /// Imports each of the build's outputs.
  static caf::actor fetch_file(caf::event_based_actor* supervisor, const vendor_context& ctx);
  /// The recipe must exist.
  static caf::error check(const download_spec&, const model_ref& ref, const settings& s);
};

} // namespace hive
