#include "net/format/json_writer.hpp"

#include <cmath>
#include <cstdio>

namespace hive {

namespace {

/// The length of the well-formed UTF-8 sequence at the start of `text`
/// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or
/// 0 with `bad` set to the length of the maximal ill-formed prefix, which
/// becomes one U+FFFD (the Unicode standard's "substitution of maximal
/// subparts", what browsers do).
std::size_t utf8_sequence(std::string_view text, std::size_t& bad) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  auto lead = byte(0);
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xbf; // the range of the second byte
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    low = lead == 0xe0 ? 0xa0 : 0x80;  // shorter forms are overlong
    high = lead == 0xed ? 0x9f : 0xbf; // ED A0..BF would be a surrogate
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    low = lead == 0xf0 ? 0x90 : 0x80;
    high = lead == 0xf4 ? 0x8f : 0xbf; // beyond U+10FFFF
  } else {
    bad = 1;
    return 0;
  }
  for (std::size_t i = 1; i < length; ++i) {
    bool fits =
        i < text.size() && byte(i) >= (i == 1 ? low : 0x80) && byte(i) <= (i == 1 ? high : 0xbf);
    if (!fits) {
      bad = i;
      return 0;
    }
  }
  return length;
}

} // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      // Names and messages from servers and file systems need not be UTF-8;
      // the API's JSON must be.
      std::size_t bad = 0;
      auto length = utf8_sequence(text.substr(i), bad);
      if (length)
        out.append(text.substr(i, length));
      else
        out += "\ufffd";
      i += length ? length : bad;
      continue;
    }
    ++i;
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
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
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
