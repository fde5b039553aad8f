#include "actors/vendors/url/url_vendor.hpp"

#include "actors/vendors/http_file_actor.hpp"
#include "actors/vendors/vendor_start.hpp"

namespace hive {

caf::actor url_vendor::start(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  auto own = ctx;
  own.max_size = ctx.settings.vendors.of<url_settings>().max_download_size;
  return start_vendor_actor(supervisor, http_file_actor, std::move(own));
}

std::string url_vendor::place(const model_ref& ref) {
  return ref.location.substr(0, ref.location.find_first_of("?#"));
}

} // namespace hive
