#include "actors/vendors/ollama/ollama_vendor.hpp"

#include "actors/vendors/ollama/ollama_resolver.hpp"
#include "actors/vendors/ollama/ollama_store.hpp"
#include "actors/vendors/http_file_actor.hpp"
#include "actors/vendors/vendor_start.hpp"

namespace hive {

caf::actor ollama_vendor::start(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  return start_vendor_actor(supervisor, resolver_actor<ollama_resolver>, ctx);
}

caf::actor ollama_vendor::fetch_file(caf::event_based_actor* supervisor,
                                     const vendor_context& ctx) {
  // Each blob's task carries the registry's token.
  return start_vendor_actor(supervisor, http_file_actor, ctx);
}

void ollama_vendor::release(const std::vector<std::filesystem::path>& files, std::error_code& ec) {
  ollama::release_files(files, ec);
}

} // namespace hive
