#include "actors/vendors/vendor_registry.hpp"

#include "actors/vendors/vendor_list.hpp"
#include "messages/errc.hpp"
#include "messages/job_messages.hpp"

#include <array>
#include <string_view>

namespace hive {

namespace {

/// One vendor, as the rest of the node reaches it.
struct vendor_row {
  std::string_view name;
  vendor_spawner start;
  vendor_spawner fetch_file;
  std::string_view selects_files_of;
  bool shares_transfers;
  caf::error (*check)(const download_spec& spec, const model_ref& ref, const job_settings& s);
  std::string (*place)(const model_ref& ref);
  void (*release)(const std::vector<std::filesystem::path>& files, std::error_code& ec);
};

/// `V::check` with the vendor's own settings.
template <class V>
caf::error check_of(const download_spec& spec, const model_ref& ref, const job_settings& s) {
  return V::check(spec, ref, s.vendors.of<typename V::settings>());
}

template <class... Vendors>
constexpr std::array<vendor_row, sizeof...(Vendors)> rows_of(vendor_list<Vendors...>) {
  return {{{Vendors::name, Vendors::start, Vendors::fetch_file, Vendors::selects_files_of,
            Vendors::shares_transfers, check_of<Vendors>, Vendors::place, Vendors::release}...}};
}

constexpr auto rows = rows_of(all_vendors{});

/// The row of `vendor`; parse_model_ref yields no other vendors, so the
/// first row is only a formal fallback.
const vendor_row& row_of(std::string_view vendor) {
  for (const auto& row : rows)
    if (row.name == vendor)
      return row;
  return rows.front();
}

/// What `include` and `exclude` may select files of: `a X or a Y`.
std::string selectable() {
  std::string out;
  for (const auto& row : rows)
    if (!row.selects_files_of.empty())
      out += (out.empty() ? "" : " or ") + std::string{row.selects_files_of};
  return out;
}

} // namespace

caf::actor spawn_vendor(caf::event_based_actor* supervisor, const vendor_context& ctx) {
  const auto& row = row_of(ctx.ref.vendor);
  auto make = ctx.task && row.fetch_file ? row.fetch_file : row.start;
  return make(supervisor, ctx);
}

caf::error check_download(const download_spec& spec, const model_ref& ref,
                          const job_settings& settings) {
  const auto& row = row_of(ref.vendor);
  if ((!spec.include.empty() || !spec.exclude.empty()) && row.selects_files_of.empty())
    return make_error(api_errc::invalid_field,
                      "'include' and 'exclude' select files of " + selectable());
  return row.check(spec, ref, settings);
}

std::string source_place(const model_ref& ref) {
  return row_of(ref.vendor).place(ref);
}

bool shares_transfers(const model_ref& ref) {
  return row_of(ref.vendor).shares_transfers;
}

void release_shared_files(const std::vector<std::filesystem::path>& files, std::error_code& ec) {
  for (const auto& row : rows)
    if (!ec)
      row.release(files, ec);
}

} // namespace hive
