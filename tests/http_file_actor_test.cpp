// What the HTTP file worker tells of a file's sources, on CAF's test coordinator.

#include "tests/support/actor_fixture.hpp"

#include "actors/vendors/http_file_actor.hpp"

namespace hive::test {
namespace {

class HttpFileActorTest : public actor_fixture {
protected:
  void SetUp() override {
    std::tie(narration, box) = spawn_probe();
    st.ctx.voice = narrator{narration, "url_vendor", "m.gguf"};
    st.task.name = "m.gguf";
  }

  /// What the worker says when a file of 4 MB landed from `sources`.
  std::string landed_from(std::vector<source_bytes> sources) {
    transfer_result r;
    r.ok = true;
    r.bytes = 4'000'000;
    r.total = r.bytes;
    r.sha256 = std::string(64, 'a');
    r.sources = std::move(sources);
    st.landed(r);
    sched.run();
    return box->notes.empty() ? std::string{} : box->notes.back().human;
  }

  caf::actor narration;
  std::shared_ptr<inbox> box;
  http_file_state st; // the worker, as it tells of its file
};

} // namespace

TEST_F(HttpFileActorTest, AFileFromSeveralSourcesSaysWhereItsBytesCameFrom) {
  EXPECT_EQ(landed_from({{"hive gpu-03", 3'000'000}, {"origin", 1'000'000}}),
            "downloaded m.gguf (4.0 MB, sha256 aaaaaaaaaaaa…): 3.0 MB from hive gpu-03, 1.0 MB "
            "from the origin");
  EXPECT_EQ(landed_from({{"hive gpu-03", 4'000'000}}),
            "downloaded m.gguf (4.0 MB, sha256 aaaaaaaaaaaa…): 4.0 MB from hive gpu-03")
      << "any byte from a mirror is told";
}

TEST_F(HttpFileActorTest, AFileWhollyFromTheOriginSaysNothingMore) {
  EXPECT_EQ(landed_from({{"origin", 4'000'000}}),
            "downloaded m.gguf (4.0 MB, sha256 aaaaaaaaaaaa…)");
}

TEST_F(HttpFileActorTest, ADroppedMirrorIsToldAsAWarning) {
  st.observer().on_source_failed("hive gpu-03", "connection reset");
  sched.run();
  ASSERT_EQ(box->notes.size(), 1u);
  EXPECT_EQ(box->notes[0].action, "source_failed");
  EXPECT_EQ(box->notes[0].level, narration_level::warn);
  EXPECT_EQ(box->notes[0].human, "hive gpu-03 failed (connection reset); going on without it");
}

} // namespace hive::test
