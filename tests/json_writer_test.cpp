// The API's JSON is valid UTF-8 whatever servers and file systems hand us.

#include "net/format/json_writer.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

using namespace hive;

namespace {

const std::string fffd = "\xEF\xBF\xBD";

std::string as_json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

/// What the writer makes of `text`, checked to be valid JSON and read back.
std::string round_trip(const std::string& text) {
  auto json = json_object{}.field("name", text).str();
  simdjson::dom::parser parser;
  std::string_view back;
  auto error = parser.parse(json)["name"].get(back);
  EXPECT_EQ(error, simdjson::SUCCESS) << simdjson::error_message(error) << " in " << json;
  return std::string{back};
}

std::string times(int n, const std::string& s) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

} // namespace

TEST(JsonWriterTest, KeepsWellFormedUtf8AndEscapesControls) {
  const std::string text =
      "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF \xEF\xBF\xBF";
  EXPECT_EQ(round_trip(text), text);
  EXPECT_EQ(as_json_string("a\"b\\c\n\x01"), R"("a\"b\\c\n\u0001")");
}

TEST(JsonWriterTest, ReplacesIllFormedSequencesWithReplacementCharacters) {
  struct sample {
    const char* what;
    std::string bytes;
    std::string expected;
  };
  const sample samples[] = {
      {"lone continuation", "a\x80z", "a" + fffd + "z"},
      {"invalid lead bytes", "\xC0\xC1\xF5\xFF", times(4, fffd)},
      {"overlong slash (2 bytes)", "\xC0\xAF", times(2, fffd)},
      {"overlong slash (3 bytes)", "\xE0\x80\xAF", times(3, fffd)},
      {"overlong slash (4 bytes)", "\xF0\x80\x80\xAF", times(4, fffd)},
      {"high surrogate", "\xED\xA0\x80", times(3, fffd)},
      {"low surrogate", "\xED\xBF\xBF", times(3, fffd)},
      {"surrogate pair (CESU-8)", "\xED\xA0\xBD\xED\xB8\x80", times(6, fffd)},
      {"above U+10FFFF", "\xF4\x90\x80\x80", times(4, fffd)},
      {"truncated at the end", "ok\xE2\x82", "ok" + fffd},
      {"truncated 4-byte", "\xF0\x9F\x98", fffd},
      {"truncated before ASCII",
       "\xE2\x82"
       "A\xC3"
       "B",
       fffd + "A" + fffd + "B"},
      {"Latin-1 file name", "mod\xE8le.gguf", "mod" + fffd + "le.gguf"},
  };
  for (const auto& s : samples) {
    EXPECT_EQ(round_trip(s.bytes), s.expected) << s.what;
    EXPECT_EQ(as_json_string(s.bytes), "\"" + s.expected + "\"") << s.what;
  }
  // Keys and array items go through the same writer.
  auto json = json_object{}.raw("k\xFF", json_array{}.item("\xC0").str()).str();
  EXPECT_EQ(json, "{\"k" + fffd + "\":[\"" + fffd + "\"]}");
}
