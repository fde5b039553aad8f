// local:/path imports through the real API: files and folders, hashed and
// recorded, every refusal typed, a cancel that leaves nothing.

#include "actors/vendors/local/local_files.hpp"
#include "messages/errc.hpp"
#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_file_server.hpp"

#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

class LocalImportTest : public runtime_fixture {
protected:
  void SetUp() override {
    runtime_fixture::SetUp();
    std::random_device rd;
    source = fs::temp_directory_path() / ("hive-source-" + std::to_string(rd()));
    fs::create_directories(source);
    restart(with_roots({source, models_dir}));
  }

  runtime_settings with_roots(std::vector<fs::path> roots) const {
    auto s = default_settings();
    s.jobs.vendors.of<local_settings>().import_roots = std::move(roots);
    return s;
  }

  /// The error code and message of a refused `local:` submission.
  std::pair<unsigned, std::string> refusal(const std::string& ref) const {
    auto reply =
        post_job(R"({"operation":"model_download","hive_id":"localhost","model":")" + ref + "\"}");
    return {reply.status, reply.body};
  }

  void TearDown() override {
    runtime_fixture::TearDown();
    std::error_code ec;
    fs::permissions(source / "locked.bin", fs::perms::owner_all, ec);
    fs::remove_all(source, ec);
  }

  fs::path write(const std::string& name, const std::string& content) const {
    auto path = source / name;
    fs::create_directories(path.parent_path());
    std::ofstream{path, std::ios::binary} << content;
    return path;
  }

  std::string import(const fs::path& path) {
    return follow(start_download("local:" + path.string())).final_data();
  }

  /// Everything under the models directory, relative to it.
  std::vector<std::string> models_entries() const {
    std::vector<std::string> out;
    for (const auto& entry : fs::recursive_directory_iterator{models_dir})
      out.push_back(fs::relative(entry.path(), models_dir).string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path source;
};

TEST_F(LocalImportTest, AFileIsLinkedHashedRecordedAndShowsProgress) {
  auto data = make_test_bytes(3 * 1024 * 1024, 11);
  auto path = write("tiny.Q4_K_M.gguf", data);
  auto log = follow(start_download("local:" + path.string()));
  ASSERT_EQ(log.final_data(), "[DONE]");

  auto stored = models_dir / "tiny.Q4_K_M" / "tiny.Q4_K_M.gguf";
  EXPECT_EQ(read_file(stored), data);
  // Same file system: a hard link, not a second copy.
  EXPECT_EQ(fs::hard_link_count(path), 2u);
  EXPECT_EQ(fs::equivalent(path, stored), true);

  simdjson::dom::parser parser;
  auto entry = get("/v1/models/tiny.Q4_K_M");
  ASSERT_EQ(entry.status, 200u) << entry.body;
  auto doc = parse_json(parser, entry.body);
  std::string_view vendor, sha, recorded_path;
  ASSERT_EQ(doc["vendor"].get(vendor), simdjson::SUCCESS);
  EXPECT_EQ(vendor, "local");
  ASSERT_EQ(doc["files"].at(0)["sha256"].get(sha), simdjson::SUCCESS);
  EXPECT_EQ(sha, sha256_hex(data));
  ASSERT_EQ(doc["files"].at(0)["path"].get(recorded_path), simdjson::SUCCESS);
  EXPECT_EQ(recorded_path, stored.string());

  auto progress = log.named("progress");
  ASSERT_FALSE(progress.empty());
  std::uint64_t bytes = 0, total = 0;
  ASSERT_EQ(parse_json(parser, progress.back().data)["bytes"].get(bytes), simdjson::SUCCESS);
  ASSERT_EQ(parse_json(parser, progress.back().data)["total"].get(total), simdjson::SUCCESS);
  EXPECT_EQ(bytes, data.size());
  EXPECT_EQ(total, data.size());
  bool said_how = false;
  for (const auto& e : log.named("narration"))
    said_how = said_how || e.data.find("hard-linked") != std::string::npos;
  EXPECT_TRUE(said_how);
  EXPECT_TRUE(files_ending(".part").empty());
}

TEST_F(LocalImportTest, AFolderBringsEveryFileUnderItsRelativeName) {
  write("llama-3.1/config.json", R"({"model_type":"llama"})");
  auto weights = make_test_bytes(700 * 1024, 12);
  write("llama-3.1/weights/model.safetensors", weights);
  write("llama-3.1/weights/deeper/notes.txt", "notes");
  // A link to a file inside the folder is followed.
  fs::create_symlink("weights/model.safetensors", source / "llama-3.1" / "alias.safetensors");
  ASSERT_EQ(import(source / "llama-3.1"), "[DONE]");

  auto model = models_dir / "llama-3.1";
  EXPECT_EQ(read_file(model / "config.json"), R"({"model_type":"llama"})");
  EXPECT_EQ(read_file(model / "weights" / "model.safetensors"), weights);
  EXPECT_EQ(read_file(model / "weights" / "deeper" / "notes.txt"), "notes");
  EXPECT_EQ(read_file(model / "alias.safetensors"), weights);
  EXPECT_FALSE(fs::is_symlink(model / "alias.safetensors"));

  simdjson::dom::parser parser;
  auto entry = get("/v1/models/llama-3.1");
  ASSERT_EQ(entry.status, 200u) << entry.body;
  std::vector<std::string> names;
  simdjson::dom::array files;
  ASSERT_EQ(parse_json(parser, entry.body)["files"].get(files), simdjson::SUCCESS);
  for (auto f : files) {
    std::string_view name, sha;
    ASSERT_EQ(f["name"].get(name), simdjson::SUCCESS);
    ASSERT_EQ(f["sha256"].get(sha), simdjson::SUCCESS);
    EXPECT_EQ(sha, sha256_hex(read_file(model / name))) << name;
    names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names,
            (std::vector<std::string>{"alias.safetensors", "config.json",
                                      "weights/deeper/notes.txt", "weights/model.safetensors"}));
}

TEST_F(LocalImportTest, ALinkOutOfTheFolderRefusesTheWholeImport) {
  write("outside.bin", "secret");
  write("model/a.bin", "a");
  fs::create_symlink(source / "outside.bin", source / "model" / "escape.bin");
  auto end = import(source / "model");
  EXPECT_EQ(end.rfind("[ERROR] unsafe_path: ", 0), 0u) << end;
  EXPECT_NE(end.find("links outside the folder"), std::string::npos) << end;
  EXPECT_EQ(models_entries(), std::vector<std::string>{});
}

TEST_F(LocalImportTest, NamesThatWouldCollideWithTheImportsOwnFilesAreRefused) {
  write("llama/model.gguf", "weights");
  write("llama/model.gguf.part", "a user's file");
  auto end = import(source / "llama");
  EXPECT_EQ(end.rfind("[ERROR] unsafe_path: ", 0), 0u) << end;
  EXPECT_NE(end.find("names ending in .part"), std::string::npos) << end;
  EXPECT_EQ(models_entries(), std::vector<std::string>{});

  // The model's own folder, imported again (another source of the same id,
  // so it takes "replace"): its files would be linked onto themselves.
  fs::remove(source / "llama" / "model.gguf.part");
  ASSERT_EQ(import(source / "llama"), "[DONE]");
  end = follow(start_download_with(R"("model":"local:)" + (models_dir / "llama").string()
                                   + R"(","replace":true,)"))
            .final_data();
  EXPECT_EQ(end.rfind("[ERROR] unsafe_path: ", 0), 0u) << end;
  EXPECT_NE(end.find("overlaps the model's own folder"), std::string::npos) << end;
  EXPECT_EQ(read_file(models_dir / "llama" / "model.gguf"), "weights");
  EXPECT_EQ(get("/v1/models/llama").status, 200u);
}

TEST_F(LocalImportTest, APathThatDoesNotExistSaysSo) {
  auto end = import(source / "missing.gguf");
  EXPECT_EQ(end,
            "[ERROR] entry_not_found: " + (source / "missing.gguf").string() + " does not exist");
  EXPECT_EQ(models_entries(), std::vector<std::string>{});
}

TEST_F(LocalImportTest, RelativePathsAndDotDotAreRefusedAtSubmission) {
  for (const char* bad :
       {"local:models/x.gguf", "local:/srv/../etc/passwd", "local:/srv/./x", "local:", "local:/"}) {
    auto reply = post_job(std::string{R"({"operation":"model_download","model":")"} + bad + "\"}");
    EXPECT_EQ(reply.status, 400u) << bad;
    EXPECT_NE(reply.body.find(R"("code":"invalid_model_ref")"), std::string::npos) << reply.body;
  }
}

TEST_F(LocalImportTest, WhatCannotBeReadFailsClearlyEvenForRootAndLeavesNothing) {
  // A FIFO in the folder (root cannot read it as a file either).
  write("with-fifo/a.bin", "a");
  ASSERT_EQ(::mkfifo((source / "with-fifo" / "pipe").c_str(), 0644), 0);
  auto fifo = import(source / "with-fifo");
  EXPECT_EQ(fifo, "[ERROR] unreadable: " + (source / "with-fifo" / "pipe").string()
                      + " is not a regular file");
  EXPECT_EQ(models_entries(), std::vector<std::string>{});
}

TEST_F(LocalImportTest, AFileWithoutReadPermissionFailsClearly) {
  auto locked = write("locked.bin", "locked");
  fs::permissions(locked, fs::perms::none);
  if (::geteuid() == 0)
    GTEST_SKIP() << "root reads a file with mode 000 (WhatCannotBeRead... covers root)";
  auto denied = import(locked);
  EXPECT_EQ(denied, "[ERROR] unreadable: cannot read " + locked.string() + ": Permission denied");
  EXPECT_EQ(models_entries(), std::vector<std::string>{});
}

TEST_F(LocalImportTest, CancelMidImportStopsAndLeavesNothing) {
  // 2 GiB, sparse: hashing it takes long enough for the cancel to land mid-way.
  auto big = source / "big.gguf";
  { std::ofstream{big}; }
  fs::resize_file(big, 2ULL * 1024 * 1024 * 1024);
  auto job = start_download("local:" + big.string());
  wait_for_bytes(job);
  auto reply = call("POST", "/v1/jobs/" + job + "/cancel");
  EXPECT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(follow(job).final_data(), "[CANCELLED]");
  EXPECT_EQ(models_entries(), std::vector<std::string>{});
  EXPECT_EQ(fs::hard_link_count(big), 1u);
  EXPECT_EQ(get("/v1/models/big").status, 404u);
}

TEST_F(LocalImportTest, CancelMidFolderImportRemovesTheFilesAlreadyImported) {
  write("folder/a.bin", "small");
  { std::ofstream{source / "folder" / "big.bin"}; }
  fs::resize_file(source / "folder" / "big.bin", 2ULL * 1024 * 1024 * 1024);
  auto job = start_download("local:" + (source / "folder").string());
  // Until a.bin is in the model's folder; big.bin is still being hashed.
  net::read_sse(base + "/v1/jobs/" + job + "/stream", [](const net::sse_event& e) {
    return e.name != "narration" || e.data.find("import_done") == std::string::npos
           || e.data.find("a.bin") == std::string::npos;
  });
  auto reply = call("POST", "/v1/jobs/" + job + "/cancel");
  EXPECT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(follow(job).final_data(), "[CANCELLED]");
  EXPECT_EQ(models_entries(), std::vector<std::string>{});
  EXPECT_EQ(read_file(source / "folder" / "a.bin"), "small");
}

// -- what local: may read (--import-root) ------------------------------------

TEST_F(LocalImportTest, WithoutAnImportRootLocalIsRefusedNamingTheOption) {
  auto path = write("tiny.gguf", "weights");
  restart(default_settings());
  auto [status, body] = refusal("local:" + path.string());
  EXPECT_EQ(status, 403u) << body;
  EXPECT_NE(body.find(R"("code":"import_not_allowed")"), std::string::npos) << body;
  EXPECT_NE(body.find("--import-root"), std::string::npos) << body;
  EXPECT_EQ(models_entries(), std::vector<std::string>{});
}

TEST_F(LocalImportTest, APathWhoseRealPathLeavesEveryRootIsRefused) {
  write("inside/a.bin", "a");
  restart(with_roots({source / "inside"}));
  // Outside, plainly; then through a link inside the root; then through `..` in a link.
  fs::create_symlink("/etc/passwd", source / "inside" / "passwd.bin");
  fs::create_symlink(source, source / "inside" / "up");
  for (const auto& path :
       {fs::path{"/etc/passwd"}, source / "inside" / "passwd.bin",
        source / "inside" / "up" / "inside" / "passwd.bin", source / "inside" / "up"}) {
    auto [status, body] = refusal("local:" + path.string());
    EXPECT_EQ(status, 403u) << path << body;
    EXPECT_NE(body.find(R"("code":"import_not_allowed")"), std::string::npos) << body;
    EXPECT_NE(body.find("outside every import root"), std::string::npos) << body;
  }
  ASSERT_EQ(import(source / "inside" / "a.bin"), "[DONE]");
  EXPECT_EQ(read_file(models_dir / "a" / "a.bin"), "a");
}

TEST_F(LocalImportTest, ProcSysAndDevAreNeverImportedEvenUnderARootOfSlash) {
  restart(with_roots({"/"}));
  fs::create_symlink("/proc/self/environ", source / "environ.bin");
  for (const char* path : {"/proc/self/environ", "/proc/1/mem", "/sys/kernel/uevent_seqnum",
                           "/dev/null", "/dev/shm", "/proc"}) {
    auto [status, body] = refusal(std::string{"local:"} + path);
    EXPECT_EQ(status, 403u) << path << body;
    EXPECT_NE(body.find("which is never imported"), std::string::npos) << body;
  }
  auto [status, body] = refusal("local:" + (source / "environ.bin").string());
  EXPECT_EQ(status, 403u) << body;
  EXPECT_NE(body.find("is in /proc"), std::string::npos) << body;
  EXPECT_EQ(models_entries(), std::vector<std::string>{});
}

TEST_F(LocalImportTest, TheWalkChecksTheRootsAgain) {
  // What the listing sees, whatever the submission saw: a folder that became
  // a link out of the roots, and a file whose link leads out of them.
  write("root/model/a.bin", "a");
  write("elsewhere/model/a.bin", "a");
  std::vector<fs::path> roots{source / "root"};
  fs::create_symlink(source / "elsewhere" / "model", source / "root" / "swapped");
  fs::create_symlink(source / "elsewhere" / "model" / "a.bin", source / "root" / "link.bin");
  for (const auto& path : {source / "root" / "swapped", source / "root" / "link.bin"}) {
    auto tasks = list_local_files(path, models_dir / "x", roots);
    ASSERT_FALSE(tasks) << path;
    EXPECT_EQ(describe(tasks.error()).code, "import_not_allowed") << path;
  }
  auto tasks = list_local_files(source / "root" / "model", models_dir / "x", roots);
  ASSERT_TRUE(tasks);
  EXPECT_EQ(tasks->size(), 1u);
}

TEST_F(LocalImportTest, ControlCharactersInReferencesAndIdsAreRefused) {
  write("x/a.bin", "a");
  write("x/metadata.json", "{}");
  // `\u0000` after metadata.json once named the catalog's own file.
  for (const char* tail : {"/x/metadata.json\\u0000", "/x/a.bin\\n", "/x/a\\u001b.bin"}) {
    auto [status, body] = refusal("local:" + source.string() + tail);
    EXPECT_EQ(status, 400u) << tail << body;
    EXPECT_NE(body.find(R"("code":"invalid_model_ref")"), std::string::npos) << body;
    EXPECT_NE(body.find("control characters"), std::string::npos) << body;
  }
  auto reply = post_job(R"({"operation":"model_get","hive_id":"localhost","id":"a\u0000b"})");
  ASSERT_EQ(reply.status, 201u) << reply.body; // catalog operations answer in their job
  simdjson::dom::parser parser;
  std::string_view job;
  ASSERT_EQ(parse_json(parser, reply.body)["job_id"].get(job), simdjson::SUCCESS);
  auto end = follow(std::string{job}).final_data();
  EXPECT_NE(end.find("invalid_model_ref"), std::string::npos) << end;
  EXPECT_EQ(models_entries(), std::vector<std::string>{});
}

TEST_F(LocalImportTest, AFolderHoldingANameThatIsNotUtf8IsRefused) {
  write("mixed/good.bin", "good");
  write("mixed/sub/bad\xff\xfe.bin", "bad");
  auto end = import(source / "mixed");
  EXPECT_EQ(end.rfind("[ERROR] unsafe_path: " + (source / "mixed").string(), 0), 0u) << end;
  EXPECT_NE(end.find("not valid UTF-8 (sub/bad\\xFF\\xFE.bin)"), std::string::npos) << end;
  EXPECT_EQ(models_entries(), std::vector<std::string>{});
}

// -- what imports leave behind ---------------------------------------------------

TEST_F(LocalImportTest, TheModelsFolderIsCreatedForItsOwnerAndGroupOnly) {
  EXPECT_EQ(fs::status(models_dir).permissions(),
            fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
}

TEST_F(LocalImportTest, ACopyGetsItsSourcesPermissionBitsNeverWider) {
  // /dev/shm is another file system: no hard link, a copy.
  auto other = fs::path{"/dev/shm"} / models_dir.filename();
  auto s = with_roots({source});
  s.jobs.models_dir = other;
  restart(s);
  auto private_file = write("private.bin", "private weights");
  auto shared_file = write("shared.bin", "shared weights");
  fs::permissions(private_file, fs::perms::owner_read | fs::perms::owner_write);
  fs::permissions(shared_file, fs::perms::owner_read | fs::perms::group_read);
  ASSERT_EQ(import(private_file), "[DONE]");
  ASSERT_EQ(import(shared_file), "[DONE]");
  EXPECT_EQ(read_file(other / "private" / "private.bin"), "private weights");
  EXPECT_EQ(fs::hard_link_count(private_file), 1u) << "copied, not linked";
  EXPECT_EQ(fs::status(other / "private" / "private.bin").permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::status(other / "shared" / "shared.bin").permissions(),
            fs::perms::owner_read | fs::perms::group_read);
  runtime.reset();
  fs::remove_all(other);
}

TEST_F(LocalImportTest, AHardLinkedPartialNeverLetsADownloadWriteIntoTheSource) {
  // What a crash mid-import left before imports had their own suffix: the
  // download's partial file is another name of the operator's file.
  auto original = make_test_bytes(64 * 1024, 5);
  auto path = write("model.gguf", original);
  test_file_server server;
  auto served = make_test_bytes(32 * 1024, 6);
  server.add_file("model.gguf", served);
  fs::create_directories(models_dir / "model");
  fs::create_hard_link(path, models_dir / "model" / "model.gguf.part");
  ASSERT_EQ(follow(start_download("url:" + server.base_url() + "/files/model.gguf")).final_data(),
            "[DONE]");
  EXPECT_EQ(sha256_hex(read_file(path)), sha256_hex(original)) << "written through the partial";
  EXPECT_EQ(fs::hard_link_count(path), 1u);
  EXPECT_EQ(read_file(models_dir / "model" / "model.gguf"), served);
}

TEST_F(LocalImportTest, ImportsAreStagedUnderTheirOwnSuffixWhichStartUpRemoves) {
  // A crash mid-import leaves `<file>.importing`, a link to the source.
  auto path = write("model.gguf", "weights");
  fs::create_directories(models_dir / "model" / "sub");
  fs::create_hard_link(path, models_dir / "model" / "model.gguf.importing");
  fs::create_hard_link(path, models_dir / "model" / "sub" / "deep.bin.importing");
  write("keep/notes.importing.txt", "kept");
  restart(with_roots({source, models_dir}));
  EXPECT_EQ(models_entries(), (std::vector<std::string>{"model", "model/sub"}));
  EXPECT_EQ(fs::hard_link_count(path), 1u);
  // A folder may not hold names the import stages under.
  write("staged/a.bin.importing", "a");
  auto end = import(source / "staged");
  EXPECT_EQ(end.rfind("[ERROR] unsafe_path: ", 0), 0u) << end;
  EXPECT_NE(end.find("names ending in .importing"), std::string::npos) << end;
}

} // namespace
