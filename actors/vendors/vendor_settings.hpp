#pragma once

#include "actors/vendors/vendor_list.hpp"

#include <tuple>

namespace hive {

template <class List>
class settings_of;

/// One settings struct per vendor, each found by its type.
template <class... Vendors>
class settings_of<vendor_list<Vendors...>> {
public:
  template <class Settings>
  Settings& of() {
    return std::get<Settings>(all_);
  }
  template <class Settings>
  const Settings& of() const {
    return std::get<Settings>(all_);
  }

private:
  std::tuple<typename Vendors::settings...> all_;
};

/// The node's settings of every vendor: `vendors.of<hf_settings>().token`.
using vendor_settings = settings_of<all_vendors>;

} // namespace hive
