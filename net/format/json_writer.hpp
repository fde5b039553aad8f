#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hive {

/// Appends `text` to `out` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view text);

/// Builds one JSON object field by field, without any intermediate tree.
class json_object {
public:
  json_object& field(std::string_view key, std::string_view value);
  json_object& field(std::string_view key, const char* value) {
    return field(key, std::string_view{value});
  }
  json_object& field(std::string_view key, std::uint64_t value);
  json_object& field(std::string_view key, std::int64_t value);
  json_object& field(std::string_view key, double value);
  json_object& field(std::string_view key, bool value);
  /// Adds a field whose value is already JSON text (an object, array, null).
  json_object& raw(std::string_view key, std::string_view json);

  std::string str() const;

private:
  void key(std::string_view k);
  std::string out_ = "{";
};

/// Builds a JSON array item by item.
class json_array {
public:
  /// Adds an item that is already JSON text.
  json_array& raw(std::string_view json);
  /// Adds a string item.
  json_array& item(std::string_view text);
  std::string str() const;

private:
  std::string out_ = "[";
};

} // namespace hive
