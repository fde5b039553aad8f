#include "actors/vendors/recipes/build_vendor.hpp"

namespace hive {

/// `<recipe>`: the name of a build recipe configured on the node.
caf::expected<model_ref> build_vendor::parse(std::string_view text, std::string_view rest) {
  if (!is_valid_model_id(rest))
    return invalid_model_ref(text, "a recipe name is letters, digits, '.', '_' and '-'");
  model_ref ref;
  ref.vendor = name;
  ref.location = rest;
  ref.model_id = rest;
  return ref;
}

} // namespace hive
