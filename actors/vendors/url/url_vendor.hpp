#pragma once

#include "actors/vendors/vendor_base.hpp"

#include <cstdint>

namespace hive {

struct url_settings {
  /// The most a `url:` download may be, in bytes (`--max-download-size`); 0
  /// for no limit. Other sources' files are sized by their own listings.
  std::uint64_t max_download_size = 0;
};

/// `url:https://host/dir/file.gguf`: one file named by its URL alone;
/// `location` is the URL.
struct url_vendor : vendor_base {
  static constexpr std::string_view name = "url";
  static constexpr std::string_view syntax = "url:<http(s) URL>";
  using settings = url_settings;
  static constexpr bool shares_transfers = true;

  static caf::expected<model_ref> parse(std::string_view text, std::string_view rest);
  static caf::actor start(caf::event_based_actor* supervisor, const vendor_context& ctx);
  /// The URL without its query, which signed CDN links change.
  static std::string place(const model_ref& ref);
};

} // namespace hive
