#pragma once

#include "actors/vendors/vendor_base.hpp"

#include <filesystem>
#include <string>

namespace hive {

struct hf_settings {
  /// The Hugging Face Hub (or a mirror), without a trailing slash.
  std::string endpoint = "https://huggingface.co";
  /// Sent to the Hub as `Authorization: Bearer` (never to its CDN); may be empty.
  std::string token;
  /// Root of the Hugging Face cache layout (`models--org--name/...`); empty
  /// for `<models_dir>/.huggingface/hub`.
  std::filesystem::path cache;
};

/// `hf:org/repo[@revision][:what]` (the Hugging Face Hub), where `what` is a
/// file path (`model.Q4_K_M.gguf`, in `path`), a quantisation tag (`Q4_K_M`,
/// in `quant`) or absent (the whole snapshot). Without `hf:`,
/// `org/repo:file.gguf` (the rbee form) also means the Hub. Its files live
/// in the Hugging Face cache, linked into the model's folder.
struct hf_vendor : vendor_base {
  static constexpr std::string_view name = "hf";
  static constexpr std::string_view syntax = "hf:org/repo[:file|:TAG], org/repo:file";
  static constexpr std::string_view selects_files_of = "a Hugging Face repository";
  using settings = hf_settings;
  static constexpr bool shares_transfers = true;

  static caf::expected<model_ref> parse(std::string_view text, std::string_view rest);
  /// `org/repo:file.gguf`.
  static bool takes_unprefixed(std::string_view text);
  static caf::actor start(caf::event_based_actor* supervisor, const vendor_context& ctx);
  static caf::actor fetch_file(caf::event_based_actor* supervisor, const vendor_context& ctx);
  /// `include` and `exclude` apply to a whole repository only.
  static caf::error check(const download_spec& spec, const model_ref& ref, const settings&);
  static void release(const std::vector<std::filesystem::path>& files, std::error_code& ec);
};

} // namespace hive
