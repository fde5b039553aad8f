// The text rendering of a job's events for rbee's own clients, on fixed times.

#include "net/api/event_json.hpp"
#include "net/api/event_text.hpp"
#include "net/api/model_json.hpp"

#include <gtest/gtest.h>

using namespace hive;
using namespace std::chrono_literals;

namespace {

using clock_type = event_text::clock;
const clock_type::time_point t0{};

journal_event narration(std::string human, narration_level level = narration_level::info) {
  return {1, "narration",
          narration_event_json("job-1", narration_note{"url_vendor", "x", "", human, level}, 5)};
}

journal_event progress(std::uint64_t bytes, std::uint64_t total, std::uint64_t rate,
                       std::int64_t eta) {
  progress_report r;
  r.bytes = bytes;
  r.total = total;
  r.percent = total ? 100.0 * static_cast<double>(bytes) / static_cast<double>(total) : 0;
  r.bytes_per_sec = rate;
  r.eta_secs = eta;
  r.connections = 1;
  return {2, "progress", progress_event_json("job-1", r)};
}

} // namespace

TEST(EventTextTest, NarrationIsItsHumanTextOnADataLine) {
  event_text text;
  EXPECT_EQ(text.frames(narration("connecting to 127.0.0.1"), t0),
            "data: connecting to 127.0.0.1\n\n");
  EXPECT_EQ(text.frames(narration("disk nearly full", narration_level::warn), t0),
            "data: disk nearly full\n\n");
  EXPECT_EQ(text.frames(narration("two\nlines"), t0), "data: two lines\n\n");
  EXPECT_EQ(text.frames(narration(""), t0), "") << "an empty data line is no line";
}

TEST(EventTextTest, ProgressIsOneHumanLine) {
  event_text text;
  EXPECT_EQ(text.frames(progress(312'000'000, 662'000'000, 85'200'000, 4), t0),
            "data: 47.1%  312.0 MB / 662.0 MB  85.2 MB/s \u00d71  ETA 4 s\n\n");
}

TEST(EventTextTest, ProgressWithoutATotalShowsBytesAndSpeedOnly) {
  event_text text;
  EXPECT_EQ(text.frames(progress(5'000'000, 0, 1'000'000, -1), t0),
            "data: 5.0 MB  1.0 MB/s \u00d71\n\n");
}

TEST(EventTextTest, ProgressGoesOutAtMostOncePerIntervalAndTheNewestHeldLineWins) {
  event_text text{1s};
  EXPECT_FALSE(text.frames(progress(1'000, 10'000, 0, -1), t0).empty());
  EXPECT_FALSE(text.due());
  EXPECT_EQ(text.frames(progress(2'000, 10'000, 0, -1), t0 + 300ms), "");
  EXPECT_EQ(text.frames(progress(3'000, 10'000, 0, -1), t0 + 600ms), "");
  ASSERT_TRUE(text.due());
  EXPECT_EQ(*text.due(), t0 + 1s);
  EXPECT_EQ(text.due_frames(t0 + 999ms), "");
  auto held = text.due_frames(t0 + 1s);
  EXPECT_EQ(held.rfind("data: 30.0%  3.0 kB / 10.0 kB", 0), 0u) << held;
  EXPECT_FALSE(text.due());
  EXPECT_EQ(text.frames(progress(4'000, 10'000, 0, -1), t0 + 1500ms), "")
      << "the interval runs from the held line's send";
  EXPECT_FALSE(text.frames(progress(5'000, 10'000, 0, -1), t0 + 2s).empty());
  EXPECT_FALSE(text.due()) << "a line sent in time leaves nothing held";
}

TEST(EventTextTest, NarrationIsNotHeldBackByProgress) {
  event_text text{1s};
  EXPECT_FALSE(text.frames(progress(1'000, 10'000, 0, -1), t0).empty());
  EXPECT_EQ(text.frames(progress(2'000, 10'000, 0, -1), t0 + 100ms), "");
  EXPECT_EQ(text.frames(narration("verifying"), t0 + 200ms), "data: verifying\n\n");
}

TEST(EventTextTest, TheEndIsTheSameMarkerAndDropsAHeldProgressLine) {
  for (std::string marker : {"[DONE]", "[CANCELLED]", "[ERROR] stalled: no data for 5 s"}) {
    event_text text{1s};
    EXPECT_FALSE(text.frames(progress(1'000, 10'000, 0, -1), t0).empty());
    EXPECT_EQ(text.frames(progress(2'000, 10'000, 0, -1), t0 + 100ms), "");
    EXPECT_EQ(text.frames({3, "end", marker}, t0 + 200ms), "data: " + marker + "\n\n");
    EXPECT_FALSE(text.due());
  }
}

TEST(EventTextTest, CatalogAnswersAreLinesNotJson) {
  model_record a{"tiny", "tiny", "url", "url:http://h/tiny.gguf", {}, 1'500'000, 0};
  model_record b{"big", "big", "hf", "hf:org/big:big.gguf", {}, 7'000'000'000, 0};
  event_text text;
  EXPECT_EQ(text.frames({1, "data", data_event_json("model_list", models_json({a, b}))}, t0),
            "data: tiny  1.5 MB  url:http://h/tiny.gguf\n\n"
            "data: big  7.0 GB  hf:org/big:big.gguf\n\n");
  EXPECT_EQ(text.frames({1, "data", data_event_json("model_list", models_json({}))}, t0),
            "data: no models\n\n");
  EXPECT_EQ(text.frames({1, "data", data_event_json("model_get", model_json(a))}, t0),
            "data: tiny  1.5 MB  url:http://h/tiny.gguf\n\n");
  EXPECT_EQ(
      text.frames({1, "data", data_event_json("model_delete", model_deleted_json("tiny"))}, t0),
      "data: deleted tiny\n\n");
}
