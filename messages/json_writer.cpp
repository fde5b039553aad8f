#include "messages/json_writer.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace hive {

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string error_json(std::string_view code, std::string_view message, std::string_view job_id) {
  json_object error;
  error.field("code", code).field("message", message);
  if (!job_id.empty())
    error.field("job_id", job_id);
  return json_object{}.raw("error", error.str()).str();
}

std::int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void json_object::key(std::string_view k) {
  if (out_.size() > 1)
    out_ += ',';
  append_json_string(out_, k);
  out_ += ':';
}

json_object& json_object::field(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(out_, value);
  return *this;
}

json_object& json_object::field(std::string_view k, std::uint64_t value) {
  key(k);
  out_ += std::to_string(value);
  return *this;
}

json_object& json_object::field(std::string_view k, std::int64_t value) {
  key(k);
  out_ += std::to_string(value);
  return *this;
}

json_object& json_object::field(std::string_view k, double value) {
  key(k);
  if (!std::isfinite(value)) {
    out_ += "null";
    return *this;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", value);
  out_ += buf;
  return *this;
}

json_object& json_object::field(std::string_view k, bool value) {
  key(k);
  out_ += value ? "true" : "false";
  return *this;
}

json_object& json_object::raw(std::string_view k, std::string_view json) {
  key(k);
  out_ += json;
  return *this;
}

std::string json_object::str() const {
  return out_ + '}';
}

json_array& json_array::raw(std::string_view json) {
  if (out_.size() > 1)
    out_ += ',';
  out_ += json;
  return *this;
}

json_array& json_array::item(std::string_view text) {
  if (out_.size() > 1)
    out_ += ',';
  append_json_string(out_, text);
  return *this;
}

std::string json_array::str() const {
  return out_ + ']';
}

} // namespace hive
