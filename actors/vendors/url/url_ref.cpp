#include "actors/vendors/url/url_vendor.hpp"

#include "net/url.hpp"

#include <utility>

namespace hive {

caf::expected<model_ref> url_vendor::parse(std::string_view text, std::string_view rest) {
  auto u = net::parse_url(rest);
  if (!u)
    return invalid_model_ref(text, "not an absolute http:// or https:// URL");
  model_ref ref;
  ref.vendor = name;
  ref.location = u->str();
  return named_model_ref(text, std::move(ref), sanitize_segment(net::file_name_of(*u)));
}

} // namespace hive
