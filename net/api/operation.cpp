#include "net/api/operation.hpp"

#include "messages/errc.hpp"
#include "net/format/byte_size.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace hive {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

/// Reads an optional string field: absent or null yields "", a non-string is an error.
caf::expected<std::string> optional_string(const object& obj, const char* key) {
  element value;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null())
    return std::string{};
  std::string_view text;
  if (value.get(text) != simdjson::SUCCESS)
    return make_error(api_errc::invalid_field, std::string{"field '"} + key + "' must be a string");
  return std::string{text};
}

caf::expected<std::string> required_string(const object& obj, const char* key) {
  auto text = optional_string(obj, key);
  if (text && text->empty())
    return make_error(api_errc::missing_field, std::string{"field '"} + key + "' is required");
  return text;
}

/// Refuses a text longer than `max` bytes with `code`, naming the field and both sizes.
caf::expected<std::string> at_most(caf::expected<std::string> text, const char* key,
                                   std::size_t max, api_errc code = api_errc::invalid_field) {
  if (text && text->size() > max)
    return make_error(code, std::string{"field '"} + key + "' is " + std::to_string(text->size())
                                + " bytes long; at most " + std::to_string(max)
                                + " are accepted");
  return text;
}

/// Reads an optional boolean field: absent or null yields false.
caf::expected<bool> optional_bool(const object& obj, const char* key) {
  element value;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null())
    return false;
  bool flag = false;
  if (value.get(flag) != simdjson::SUCCESS)
    return make_error(api_errc::invalid_field, std::string{"field '"} + key
                                                   + "' must be true or false");
  return flag;
}

/// Reads an optional cap in bytes per second: absent or null yields 0 (none);
/// a whole number, or a text with a binary unit such as "100M" or "1.5G".
caf::expected<std::uint64_t> optional_rate(const object& obj, const char* key) {
  element value;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null())
    return std::uint64_t{0};
  auto invalid = [key] {
    return make_error(api_errc::invalid_field,
                      std::string{"field '"} + key
                          + "' must be bytes per second: a whole number, or a text such as "
                            "\"100M\" or \"1.5G\" (K, M, G, T: binary units), or null for "
                            "no cap");
  };
  std::uint64_t number = 0;
  double real = 0;
  std::string_view text;
  if (value.get(number) == simdjson::SUCCESS)
    return number;
  // simdjson reads 1e6 as a double: a whole one within range is as good.
  if (value.get(real) == simdjson::SUCCESS) {
    if (real >= 0 && real < 0x1p64 && std::floor(real) == real)
      return static_cast<std::uint64_t>(real);
    return invalid();
  }
  if (value.get(text) != simdjson::SUCCESS)
    return invalid();
  auto size = parse_byte_size(text);
  if (!size)
    return invalid();
  return *size;
}

caf::expected<std::string> parse_sha256(const object& obj) {
  auto text = optional_string(obj, "sha256");
  if (!text || text->empty())
    return text;
  auto is_hex = [](unsigned char c) { return std::isxdigit(c) != 0; };
  if (text->size() != 64 || !std::all_of(text->begin(), text->end(), is_hex))
    return make_error(api_errc::invalid_field, "field 'sha256' must be 64 hexadecimal characters");
  std::transform(text->begin(), text->end(), text->begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

/// Reads an optional list of glob patterns: absent, null, a string or an array of strings.
caf::expected<std::vector<std::string>> optional_patterns(const object& obj, const char* key) {
  element value;
  std::vector<std::string> out;
  if (obj[key].get(value) != simdjson::SUCCESS || value.is_null())
    return out;
  auto invalid = make_error(api_errc::invalid_field, std::string{"field '"} + key
                                                         + "' must be a glob pattern or a list "
                                                           "of them");
  auto too_long = make_error(api_errc::invalid_field,
                             std::string{"field '"} + key + "' holds a pattern longer than "
                                 + std::to_string(operation_limits::pattern_bytes) + " bytes");
  std::string_view text;
  if (value.get(text) == simdjson::SUCCESS) {
    if (text.empty())
      return invalid;
    if (text.size() > operation_limits::pattern_bytes)
      return too_long;
    out.emplace_back(text);
    return out;
  }
  simdjson::dom::array items;
  if (value.get(items) != simdjson::SUCCESS)
    return invalid;
  if (items.size() > operation_limits::patterns)
    return make_error(api_errc::invalid_field,
                      std::string{"field '"} + key + "' holds " + std::to_string(items.size())
                          + " patterns; at most " + std::to_string(operation_limits::patterns)
                          + " are accepted");
  for (auto item : items) {
    if (item.get(text) != simdjson::SUCCESS || text.empty())
      return invalid;
    if (text.size() > operation_limits::pattern_bytes)
      return too_long;
    out.emplace_back(text);
  }
  return out;
}

} // namespace

caf::expected<operation> parse_operation(std::string_view body) {
  simdjson::dom::parser parser;
  element doc;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS)
    return make_error(api_errc::invalid_json, "request body is not valid JSON");
  object obj;
  if (doc.get(obj) != simdjson::SUCCESS)
    return make_error(api_errc::invalid_json, "request body must be a JSON object");
  auto name = required_string(obj, "operation");
  if (!name)
    return std::move(name.error());
  operation result;
  result.name = *name;
  auto hive = at_most(optional_string(obj, "hive_id"), "hive_id", operation_limits::hive_id_bytes);
  if (!hive)
    return std::move(hive.error());
  if (*hive == "*"
      && (*name == "model_download" || *name == "model_get" || *name == "model_delete"))
    return make_error(api_errc::invalid_field,
                      "field 'hive_id' may be \"*\" (every hive) for model_list only");
  result.hive_id = *hive;
  if (*name == "model_download") {
    result.op = operation::kind::model_download;
    auto model = at_most(required_string(obj, "model"), "model", operation_limits::model_bytes,
                         api_errc::invalid_model_ref);
    if (!model)
      return std::move(model.error());
    auto sha = parse_sha256(obj);
    if (!sha)
      return std::move(sha.error());
    auto include = optional_patterns(obj, "include");
    if (!include)
      return std::move(include.error());
    auto exclude = optional_patterns(obj, "exclude");
    if (!exclude)
      return std::move(exclude.error());
    auto token = at_most(optional_string(obj, "token"), "token", operation_limits::token_bytes);
    if (!token)
      return std::move(token.error());
    auto replace = optional_bool(obj, "replace");
    if (!replace)
      return std::move(replace.error());
    auto max_rate = optional_rate(obj, "max_rate");
    if (!max_rate)
      return std::move(max_rate.error());
    result.download =
        download_spec{std::move(*model),   std::move(*sha),   result.hive_id, std::move(*include),
                      std::move(*exclude), std::move(*token), *replace,       *max_rate};
  } else if (*name == "model_list") {
    result.op = operation::kind::model_list;
  } else if (*name == "model_get" || *name == "model_delete") {
    result.op = *name == "model_get" ? operation::kind::model_get : operation::kind::model_delete;
    auto id = at_most(required_string(obj, "id"), "id", operation_limits::model_bytes);
    if (!id)
      return std::move(id.error());
    result.model_id = std::move(*id);
  } else {
    return make_error(api_errc::unknown_operation,
                      "unknown operation '" + *name
                          + "' (known: model_download, model_list, model_get, model_delete)");
  }
  return result;
}

caf::expected<std::uint64_t> parse_job_patch(std::string_view body) {
  simdjson::dom::parser parser;
  element doc;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS)
    return make_error(api_errc::invalid_json, "request body is not valid JSON");
  object obj;
  if (doc.get(obj) != simdjson::SUCCESS)
    return make_error(api_errc::invalid_json, "request body must be a JSON object");
  element value;
  if (obj["max_rate"].get(value) != simdjson::SUCCESS)
    return make_error(api_errc::missing_field,
                      "field 'max_rate' is required (bytes per second; 0 or null: no cap)");
  return optional_rate(obj, "max_rate");
}

} // namespace hive
