#include "tests/support/cluster_stand_ins.hpp"

#include "messages/cluster_messages.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"

#include <caf/event_based_actor.hpp>

namespace hive::test {

caf::behavior remote_cluster_stand_in(caf::event_based_actor* self, caf::actor gateway) {
  return {
      [self, gateway](forward_atom, download_spec& spec, caf::actor& relay) {
        return self->delegate(gateway, forward_atom_v, std::move(spec), std::move(relay));
      },
      [self, gateway](models_atom) { return self->delegate(gateway, models_atom_v); },
  };
}

caf::behavior local_cluster_stand_in(caf::event_based_actor*, caf::actor gpu2) {
  return {
      [gpu2](lookup_atom, const std::string& hive_id) -> caf::result<caf::actor> {
        if (hive_id == "gpu-2")
          return gpu2;
        if (hive_id == "gpu-3")
          return make_error(api_errc::hive_unavailable, "hive gpu-3 is down");
        return make_error(api_errc::unknown_hive, "no hive " + hive_id);
      },
      [](list_atom) {
        auto status = [](std::string id, hive_state state) {
          hive_status s;
          s.hive_id = std::move(id);
          s.state = state;
          return s;
        };
        return std::vector<hive_status>{status("gpu-1", hive_state::up),
                                        status("gpu-2", hive_state::up),
                                        status("gpu-3", hive_state::down)};
      },
  };
}

} // namespace hive::test
