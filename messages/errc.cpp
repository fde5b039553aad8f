#include "messages/errc.hpp"

#include <caf/atom.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace hive {

namespace {

constexpr auto download_category = caf::atom("download");
constexpr auto api_category = caf::atom("api");

caf::error with_message(std::uint8_t code, caf::atom_value category, std::string message) {
  if (message.empty())
    return caf::error{code, category};
  return caf::error{code, category, caf::make_message(std::move(message))};
}

/// The context's `index`th text: 0 the message, 1 the job an error is about.
std::string context_text(const caf::error& err, std::size_t index = 0) {
  const auto& ctx = err.context();
  if (ctx.size() > index && ctx.match_element<std::string>(index))
    return ctx.get_as<std::string>(index);
  return {};
}

} // namespace

std::string_view code_of(download_errc x) {
  switch (x) {
    case download_errc::connection_failed:
      return "connection_failed";
    case download_errc::tls_failed:
      return "tls_failed";
    case download_errc::http_status:
      return "http_status";
    case download_errc::too_many_redirects:
      return "too_many_redirects";
    case download_errc::connection_reset:
      return "connection_reset";
    case download_errc::stalled:
      return "stalled";
    case download_errc::checksum_mismatch:
      return "checksum_mismatch";
    case download_errc::io_failed:
      return "io_failed";
    case download_errc::cancelled:
      return "cancelled";
    case download_errc::internal:
      return "internal";
    case download_errc::repo_not_found:
      return "repo_not_found";
    case download_errc::gated_repo:
      return "gated_repo";
    case download_errc::entry_not_found:
      return "entry_not_found";
    case download_errc::revision_not_found:
      return "revision_not_found";
    case download_errc::unauthorized:
      return "unauthorized";
    case download_errc::ambiguous_reference:
      return "ambiguous_reference";
    case download_errc::unsafe_path:
      return "unsafe_path";
    case download_errc::file_busy:
      return "file_busy";
    case download_errc::unreadable:
      return "unreadable";
    case download_errc::build_failed:
      return "build_failed";
    case download_errc::rate_limited:
      return "rate_limited";
    case download_errc::size_mismatch:
      return "size_mismatch";
    case download_errc::insufficient_space:
      return "insufficient_space";
  }
  return "internal";
}

std::string_view code_of(api_errc x) {
  switch (x) {
    case api_errc::invalid_json:
      return "invalid_json";
    case api_errc::unknown_operation:
      return "unknown_operation";
    case api_errc::missing_field:
      return "missing_field";
    case api_errc::invalid_field:
      return "invalid_field";
    case api_errc::invalid_model_ref:
      return "invalid_model_ref";
    case api_errc::payload_too_large:
      return "payload_too_large";
    case api_errc::not_found:
      return "not_found";
    case api_errc::method_not_allowed:
      return "method_not_allowed";
    case api_errc::job_finished:
      return "job_finished";
    case api_errc::already_downloading:
      return "already_downloading";
    case api_errc::internal:
      return "internal";
    case api_errc::forbidden_host:
      return "forbidden_host";
    case api_errc::forbidden_origin:
      return "forbidden_origin";
    case api_errc::unsupported_media_type:
      return "unsupported_media_type";
    case api_errc::unauthorized:
      return "unauthorized";
    case api_errc::import_not_allowed:
      return "import_not_allowed";
    case api_errc::too_many_jobs:
      return "too_many_jobs";
    case api_errc::too_many_connections:
      return "too_many_connections";
    case api_errc::model_exists:
      return "model_exists";
    case api_errc::model_in_use:
      return "model_in_use";
    case api_errc::unknown_hive:
      return "unknown_hive";
    case api_errc::hive_unavailable:
      return "hive_unavailable";
    case api_errc::blob_not_found:
      return "blob_not_found";
    case api_errc::range_not_satisfiable:
      return "range_not_satisfiable";
  }
  return "internal";
}

unsigned http_status_of(api_errc x) {
  switch (x) {
    case api_errc::payload_too_large:
      return 413;
    case api_errc::not_found:
    case api_errc::unknown_hive:
    case api_errc::blob_not_found:
      return 404;
    case api_errc::range_not_satisfiable:
      return 416;
    case api_errc::method_not_allowed:
      return 405;
    case api_errc::job_finished:
    case api_errc::already_downloading:
    case api_errc::model_exists:
    case api_errc::model_in_use:
      return 409;
    case api_errc::unauthorized:
      return 401;
    case api_errc::forbidden_host:
    case api_errc::forbidden_origin:
    case api_errc::import_not_allowed:
      return 403;
    case api_errc::unsupported_media_type:
      return 415;
    case api_errc::too_many_jobs:
      return 429;
    case api_errc::too_many_connections:
    case api_errc::hive_unavailable:
      return 503;
    case api_errc::internal:
      return 500;
    default:
      return 400;
  }
}

caf::error make_error(download_errc x) {
  return make_error(x, {});
}

caf::error make_error(download_errc x, std::string message) {
  return with_message(static_cast<std::uint8_t>(x), download_category, std::move(message));
}

caf::error make_error(api_errc x) {
  return make_error(x, {});
}

caf::error make_error(api_errc x, std::string message) {
  return with_message(static_cast<std::uint8_t>(x), api_category, std::move(message));
}

caf::error make_error(api_errc x, std::string message, std::string job_id) {
  return caf::error{static_cast<std::uint8_t>(x), api_category,
                    caf::make_message(std::move(message), std::move(job_id))};
}

bool is_cancellation(const caf::error& reason) {
  return reason == make_error(download_errc::cancelled);
}

download_errc download_code_of(const caf::error& err) {
  return err.category() == download_category ? static_cast<download_errc>(err.code())
                                             : download_errc::internal;
}

error_view describe(const caf::error& err) {
  if (err.category() == download_category) {
    auto code = static_cast<download_errc>(err.code());
    return {std::string{code_of(code)}, context_text(err), 500};
  }
  if (err.category() == api_category) {
    auto code = static_cast<api_errc>(err.code());
    return {std::string{code_of(code)}, context_text(err), http_status_of(code),
            context_text(err, 1)};
  }
  return {"internal", caf::to_string(err), 500};
}

} // namespace hive
