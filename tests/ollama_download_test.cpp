// Ollama pulls through the real API from a real registry (Debian's
// docker-registry with token authentication), into Ollama's own layout.

#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_file_server.hpp"
#include "tests/support/test_registry.hpp"

#include <algorithm>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* model_type = "application/vnd.ollama.image.model";
constexpr const char* template_type = "application/vnd.ollama.image.template";
constexpr const char* params_type = "application/vnd.ollama.image.params";
constexpr const char* license_type = "application/vnd.ollama.image.license";

class OllamaDownloadTest : public runtime_fixture {
protected:
  void SetUp() override {
    runtime_fixture::SetUp();
    store = models_dir / "ollama-store"; // as if OLLAMA_MODELS pointed there
    auto s = default_settings();
    s.jobs.vendors.of<ollama_settings>().models = store;
    restart(s);
  }

  /// Pushes `library/tiny:latest`: a model, a template, params and a licence.
  std::string push_tiny(const std::string& tag = "latest", std::size_t model_size = 2 << 20) {
    model = make_test_bytes(model_size, 11);
    layers = {{model_type, model},
              {template_type, "{{ .Prompt }}"},
              {params_type, R"({"stop":["</s>"]})"},
              {license_type, "Apache-2.0"}};
    return registry.push_model("library/tiny", tag, layers);
  }

  std::string ref(const std::string& name = "library/tiny:latest") const {
    return "ollama:" + registry.base() + "/" + name;
  }

  /// The catalog id of `library/<model>:latest` from the test registry.
  std::string model_id(const std::string& model = "tiny") const {
    auto host = registry.host();
    std::replace(host.begin(), host.end(), ':', '-');
    return host + "." + model + ".latest";
  }

  fs::path blob(const std::string& content) const {
    return store / "blobs" / ("sha256-" + sha256_hex(content));
  }

  fs::path manifest(const std::string& tag = "latest") const {
    return store / "manifests" / registry.host() / "library" / "tiny" / tag;
  }

  bool said(const stream_log& log, const std::string& words) const {
    auto notes = log.named("narration");
    return std::any_of(notes.begin(), notes.end(), [&](const net::sse_event& e) {
      return e.data.find(words) != std::string::npos;
    });
  }

  /// Every file under the store, relative to it.
  std::vector<std::string> store_files() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it{store, ec}, end; !ec && it != end; it.increment(ec))
      if (!it->is_directory())
        out.push_back(fs::relative(it->path(), store).string());
    std::sort(out.begin(), out.end());
    return out;
  }

  test_registry registry;
  fs::path store;
  std::string model;
  std::vector<test_registry::layer> layers;
};

TEST_F(OllamaDownloadTest, APullLandsInTheLayoutOllamaReads) {
  auto pushed = push_tiny();
  auto log = follow(start_download(ref()));
  ASSERT_EQ(log.final_data(), "[DONE]");

  // Every layer as blobs/sha256-<hex> with that content, the manifest byte
  // for byte as the registry has it, under the registry's host.
  for (const auto& [type, content] : layers)
    EXPECT_EQ(read_file(blob(content)), content) << type;
  EXPECT_EQ(read_file(manifest()), pushed);
  EXPECT_EQ(store_files().size(), layers.size() + 2) << "layers, config and manifest, no partial";
  EXPECT_EQ(registry.tokens_granted(), 1) << "the challenge is answered once";

  // Progress covers every blob; the narration names each layer's role.
  std::uint64_t sizes = 0;
  for (const auto& [type, content] : layers)
    sizes += content.size();
  auto progress = log.named("progress");
  ASSERT_FALSE(progress.empty());
  simdjson::dom::parser parser;
  std::uint64_t total = 0;
  ASSERT_EQ(parser.parse(progress.back().data)["total"].get(total), simdjson::SUCCESS);
  EXPECT_GT(total, sizes) << "the layers and the config";
  EXPECT_TRUE(said(log, "blob(s): config ")) << "the manifest's blobs, by role";
  EXPECT_TRUE(said(log, "model 2.1 MB, template 13 B, params 17 B, license 10 B"));
  EXPECT_TRUE(said(log, "downloaded template"));
  EXPECT_TRUE(said(log, "downloaded license"));

  auto entry = get("/v1/models/" + model_id());
  ASSERT_EQ(entry.status, 200u) << entry.body;
  EXPECT_NE(entry.body.find("\"vendor\":\"ollama\""), std::string::npos) << entry.body;
  EXPECT_NE(entry.body.find(manifest().string()), std::string::npos) << entry.body;
}

TEST_F(OllamaDownloadTest, AModelAlreadyInTheStoreIsNotFetchedAgain) {
  push_tiny();
  ASSERT_EQ(follow(start_download(ref())).final_data(), "[DONE]");
  auto written = fs::last_write_time(blob(model));
  auto listed = fs::last_write_time(manifest());
  auto log = follow(start_download(ref()));
  ASSERT_EQ(log.final_data(), "[DONE]");
  EXPECT_TRUE(said(log, "nothing to download")) << "every blob is in the store";
  EXPECT_EQ(fs::last_write_time(blob(model)), written);
  EXPECT_EQ(fs::last_write_time(manifest()), listed) << "the same manifest is left as it is";
  EXPECT_FALSE(said(log, "downloaded")) << "no blob was fetched";
}

TEST_F(OllamaDownloadTest, AMissingTagOrModelIsAClearErrorAndWritesNothing) {
  push_tiny();
  auto log = follow(start_download(ref("library/tiny:nope")));
  EXPECT_EQ(
      log.final_data().rfind(
          "[ERROR] revision_not_found: the registry has no library/tiny:nope (no such tag", 0),
      0u)
      << log.final_data();
  log = follow(start_download(ref("library/absent:latest")));
  EXPECT_EQ(log.final_data().rfind("[ERROR] revision_not_found: the registry has no "
                                   "library/absent:latest (no such tag, or no such model)",
                                   0),
            0u)
      << log.final_data();
  EXPECT_TRUE(store_files().empty());
  EXPECT_EQ(get("/v1/models/" + model_id("absent")).status, 404u);
}

TEST_F(OllamaDownloadTest, AnExpectedSha256OtherThanTheModelLayersFailsBeforeAnyTransfer) {
  push_tiny();
  const std::string wrong(64, 'e');
  auto log = follow(start_download(ref(), wrong));
  EXPECT_EQ(log.final_data(),
            "[ERROR] checksum_mismatch: library/tiny:latest's model layer is sha256:"
                + sha256_hex(model) + ", not " + wrong);
  EXPECT_TRUE(store_files().empty());
  ASSERT_EQ(follow(start_download(ref(), sha256_hex(model))).final_data(), "[DONE]");
  EXPECT_EQ(read_file(blob(model)), model);
}

TEST_F(OllamaDownloadTest, ABlobThatDoesNotMatchItsDigestIsNotKeptAndNoManifestIsWritten) {
  push_tiny();
  registry.corrupt_blob(sha256_hex(model));
  auto log = follow(start_download(ref()));
  EXPECT_EQ(log.final_data().rfind(
                "[ERROR] checksum_mismatch: model: expected sha256 " + sha256_hex(model), 0),
            0u)
      << log.final_data();
  EXPECT_FALSE(fs::exists(blob(model)));
  EXPECT_FALSE(fs::exists(manifest())) << "Ollama must not see a model with a bad blob";
  auto files = store_files();
  EXPECT_TRUE(std::none_of(files.begin(), files.end(),
                           [](const std::string& f) { return f.find("-partial") != f.npos; }));
  EXPECT_EQ(get("/v1/models/" + model_id()).status, 404u);
}

TEST_F(OllamaDownloadTest, CancelMidLayerStopsAtOnceAndLeavesNoPartial) {
  push_tiny("latest", 24 << 20);
  auto job = start_download("ollama:" + registry.slow_base() + "/library/tiny");
  wait_for_bytes(job);
  auto reply = call("POST", "/v1/jobs/" + job + "/cancel");
  EXPECT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(follow(job).final_data(), "[CANCELLED]");
  auto files = store_files();
  EXPECT_TRUE(std::none_of(files.begin(), files.end(), [](const std::string& f) {
    return f.find("-partial") != f.npos;
  })) << files.size();
  EXPECT_FALSE(fs::exists(blob(model)));
  EXPECT_FALSE(fs::exists(store / "manifests"));
}

TEST_F(OllamaDownloadTest, DeleteForgetsTheManifestAndTheBlobsNoOtherModelNames) {
  push_tiny();
  auto small = test_registry::layer{model_type, make_test_bytes(4096, 12)};
  registry.push_model("library/other", "latest", {small, layers[3]}); // the same licence
  ASSERT_EQ(follow(start_download(ref())).final_data(), "[DONE]");
  ASSERT_EQ(follow(start_download(ref("library/other"))).final_data(), "[DONE]");

  auto reply = call("DELETE", "/v1/models/" + model_id());
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_FALSE(fs::exists(manifest()));
  EXPECT_FALSE(fs::exists(blob(model)));
  EXPECT_TRUE(fs::exists(blob(layers[3].second))) << "the other model's licence stays";
  EXPECT_TRUE(fs::exists(blob(small.second)));
  EXPECT_EQ(get("/v1/models/" + model_id("other")).status, 200u);
}

TEST_F(OllamaDownloadTest, APlainHttpPullIsFiledUnderItsHostNeverTheDefaultRegistry) {
  auto pushed = push_tiny();
  // `http://host/model`: the host is the registry, even without a namespace.
  auto log = follow(start_download("ollama:" + registry.base() + "/tiny"));
  ASSERT_EQ(log.final_data(), "[DONE]");
  EXPECT_EQ(read_file(manifest()), pushed);
  EXPECT_FALSE(fs::exists(store / "manifests" / "registry.ollama.ai"));
  EXPECT_EQ(get("/v1/models/" + model_id()).status, 200u);
  auto reply = post_job(
      R"({"operation":"model_download","model":"ollama:http://registry.ollama.ai/library/tiny"})");
  EXPECT_EQ(reply.status, 400u) << reply.body;
  EXPECT_NE(reply.body.find("reached over https only"), std::string::npos) << reply.body;
}

} // namespace
