#include "actors/vendors/local/local_vendor.hpp"

#include "actors/vendors/file_import_actor.hpp"
#include "actors/vendors/local/import_roots.hpp"
#include "actors/vendors/local/local_resolver.hpp"
#include "actors/vendors/vendor_start.hpp"

namespace hive {

caf::actor local_vendor::start(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  return start_vendor_actor(supervisor, resolver_actor<local_resolver>, ctx);
}

caf::actor local_vendor::fetch_file(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  return start_vendor_actor(supervisor, file_import_actor, ctx);
}

caf::error local_vendor::check(const download_spec&, const model_ref& ref, const settings& s) {
  return check_import_path(ref.location, s.import_roots);
}

} // namespace hive
