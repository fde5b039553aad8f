#pragma once

#include "actors/vendors/recipes/build_vendor.hpp"
#include "actors/vendors/gh/gh_vendor.hpp"
#include "actors/vendors/hf/hf_vendor.hpp"
#include "actors/vendors/local/local_vendor.hpp"
#include "actors/vendors/ollama/ollama_vendor.hpp"
#include "actors/vendors/url/url_vendor.hpp"

namespace hive {

/// A list of vendors, as types: the reference syntax (`model_ref.cpp`), the
/// settings (`vendor_settings.hpp`) and the registry (`vendor_registry.cpp`)
/// are built from one, so they cannot disagree.
template <class... Vendors>
struct vendor_list {};

/// Every vendor of the node. Adding one is a folder `actors/vendors/X/` (see
/// `vendor_base.hpp`) and an entry here. The order is the one the error for
/// an unknown reference lists them in.
using all_vendors =
    vendor_list<url_vendor, hf_vendor, gh_vendor, ollama_vendor, local_vendor, build_vendor>;

} // namespace hive
