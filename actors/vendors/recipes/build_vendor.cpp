#include "actors/vendors/recipes/build_vendor.hpp"

#include "actors/vendors/recipes/build_actor.hpp"
#include "actors/vendors/file_import_actor.hpp"
#include "actors/vendors/vendor_start.hpp"
#include "messages/errc.hpp"

namespace hive {

namespace {

/// `a, b` or `none`.
std::string recipe_names(const build_recipes& recipes) {
  std::string names;
  for (const auto& [name, recipe] : recipes)
    names += (names.empty() ? "" : ", ") + name;
  return names.empty() ? "none" : names;
}

} // namespace

caf::actor build_vendor::start(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  return start_vendor_actor(supervisor, build_actor, ctx);
}

caf::actor build_vendor::fetch_file(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  return start_vendor_actor(supervisor, file_import_actor, ctx);
}

caf::error build_vendor::check(const download_spec&, const model_ref& ref, const settings& s) {
  if (s.recipes.contains(ref.location))
    return {};
  return make_error(api_errc::not_found, "no build recipe '" + ref.location
                                             + "' on this node (its --recipes file defines "
                                             + recipe_names(s.recipes) + ")");
}

} // namespace hive
