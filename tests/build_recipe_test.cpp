// build:<recipe> through the real API: real processes (CMake and Ninja, a
// shell script), their progress and output, a cancel that leaves no process
// and no output behind, failures that say why; and the recipes file.

#include "actors/vendors/recipes/build_output.hpp"
#include "actors/vendors/recipes/build_recipe.hpp"
#include "tests/support/runtime_fixture.hpp"
#include "tests/support/test_file_server.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <random>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;

namespace {

const fs::path data_dir = fs::path{PROVISIONER_SOURCE_DIR} / "tests" / "data";

/// What make_model.c writes.
std::string model_bytes() {
  std::string out(1024 * 1024, '\0');
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>((i * 31 + 7) % 256);
  return out;
}

class BuildRecipeTest : public runtime_fixture {
protected:
  void SetUp() override {
    runtime_fixture::SetUp();
    workdir = fs::temp_directory_path() / ("hive-build-" + std::to_string(std::random_device{}()));
    fs::create_directories(workdir);
    auto s = default_settings();
    auto& build = s.jobs.vendors.of<build_settings>();
    build.kill_grace = std::chrono::milliseconds{500};
    build.recipes["tiny-model"] = {
        workdir,
        {"/bin/sh", "-c",
         "cmake -S " + (data_dir / "recipe_project").string()
             + " -B . -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build ."},
        {"model.bin"},
        ""};
    build.recipes["slow"] = {
        workdir, {"/bin/sh", (data_dir / "slow_recipe.sh").string()}, {"partial.bin"}, ""};
    build.recipes["failing"] = {
        workdir,
        {"/bin/sh", "-c", "echo compiling; echo 'error: out of cheese' >&2; exit 3"},
        {"never.bin"},
        ""};
    build.recipes["makes-nothing"] = {workdir, {"true"}, {"model.bin"}, ""};
    build.recipes["open-files"] = {
        workdir, {"/bin/sh", "-c", "exec > fds.txt; ls /proc/$$/fd"}, {"fds.txt"}, ""};
    build.recipes["no-program"] = {workdir, {"no-such-program-here"}, {"model.bin"}, ""};
    build.recipes["env-dump"] = {
        workdir, {"/bin/sh", "-c", "env > env.txt"}, {"env.txt"}, "", {"HIVE_BUILD_FLAG"}};
    restart(s);
  }

  void TearDown() override {
    runtime_fixture::TearDown();
    std::error_code ec;
    fs::remove_all(workdir, ec);
  }

  /// The (bytes, total) of each progress event about the build itself.
  static std::vector<std::pair<std::uint64_t, std::uint64_t>>
  build_progress(const stream_log& log) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
    simdjson::dom::parser parser;
    for (const auto& e : log.named("progress")) {
      auto doc = parse_json(parser, e.data);
      std::string_view file;
      std::uint64_t bytes = 0, total = 0;
      if (doc["file"].get(file) == simdjson::SUCCESS && file == "build"
          && doc["bytes"].get(bytes) == simdjson::SUCCESS
          && doc["total"].get(total) == simdjson::SUCCESS)
        out.emplace_back(bytes, total);
    }
    return out;
  }

  static bool narrated(const stream_log& log, const std::string& text) {
    for (const auto& e : log.named("narration"))
      if (e.data.find(text) != std::string::npos)
        return true;
    return false;
  }

  static pid_t pid_in(const fs::path& file) {
    std::ifstream in{file};
    pid_t pid = 0;
    in >> pid;
    return pid;
  }

  fs::path workdir;
};

TEST_F(BuildRecipeTest, ACMakeProjectIsBuiltWithProgressAndItsOutputImported) {
  auto log = follow(start_download("build:tiny-model"));
  ASSERT_EQ(log.final_data(), "[DONE]");
  auto expected = model_bytes();
  auto stored = models_dir / "tiny-model" / "model.bin";
  EXPECT_EQ(read_file(stored), expected);

  simdjson::dom::parser parser;
  auto entry = get("/v1/models/tiny-model");
  ASSERT_EQ(entry.status, 200u) << entry.body;
  auto doc = parse_json(parser, entry.body);
  std::string_view vendor, name, sha;
  ASSERT_EQ(doc["vendor"].get(vendor), simdjson::SUCCESS);
  EXPECT_EQ(vendor, "build");
  ASSERT_EQ(doc["files"].at(0)["name"].get(name), simdjson::SUCCESS);
  EXPECT_EQ(name, "model.bin");
  ASSERT_EQ(doc["files"].at(0)["sha256"].get(sha), simdjson::SUCCESS);
  EXPECT_EQ(sha, sha256_hex(expected));

  // Ninja's [n/3] lines became percentages of 100, one step at a time.
  auto progress = build_progress(log);
  bool mid_build = false;
  for (auto [bytes, total] : progress)
    mid_build = mid_build || (total == 100 && bytes > 0 && bytes < 100);
  EXPECT_TRUE(mid_build) << progress.size() << " build progress events";
  EXPECT_TRUE(narrated(log, "Writing model.bin"));
  EXPECT_TRUE(narrated(log, "running recipe 'tiny-model'"));
}

TEST_F(BuildRecipeTest, CancelKillsTheWholeProcessGroupAndRemovesPartialOutputs) {
  auto job = start_download("build:slow");
  wait_for_bytes(job); // the first "[ 5%]" line
  ASSERT_TRUE(fs::exists(workdir / "sleeper.pid"));
  auto script = pid_in(workdir / "script.pid");
  auto sleeper = pid_in(workdir / "sleeper.pid");
  ASSERT_GT(script, 0);
  ASSERT_GT(sleeper, 0);
  ASSERT_EQ(::kill(sleeper, 0), 0) << "the background child runs before the cancel";
  auto reply = call("POST", "/v1/jobs/" + job + "/cancel");
  EXPECT_EQ(reply.status, 200u) << reply.body;
  auto log = follow(job);
  EXPECT_EQ(log.final_data(), "[CANCELLED]");
  // Not running, and not even a zombie: reaped.
  errno = 0;
  EXPECT_EQ(::kill(sleeper, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  errno = 0;
  EXPECT_EQ(::kill(script, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_FALSE(fs::exists(workdir / "partial.bin"));
  EXPECT_FALSE(fs::exists(models_dir / "slow"));
  auto progress = build_progress(log);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.front().second, 100u);
  EXPECT_GE(progress.front().first, 5u);
  EXPECT_LT(progress.back().first, 100u);
}

TEST_F(BuildRecipeTest, AFailingRecipeNamesItsExitCodeAndLastLines) {
  auto log = follow(start_download("build:failing"));
  EXPECT_EQ(log.final_data(), "[ERROR] build_failed: recipe 'failing' failed: exit code 3; last "
                              "output: compiling | error: out of cheese");
  EXPECT_TRUE(narrated(log, "error: out of cheese"));
  EXPECT_FALSE(fs::exists(models_dir / "failing"));
}

TEST_F(BuildRecipeTest, ABuildInheritsNoneOfTheDaemonsFilesOrSockets) {
  // The API's listening socket and this job's stream are open in this process.
  ASSERT_EQ(follow(start_download("build:open-files")).final_data(), "[DONE]");
  EXPECT_EQ(read_file(models_dir / "open-files" / "fds.txt"), "0\n1\n2\n")
      << "stdin, the output pipe twice, and nothing else";
}

TEST_F(BuildRecipeTest, ABuildGetsAMinimalEnvironmentNeverTheDaemonsTokens) {
  ::setenv("HF_TOKEN", "hf_daemon_secret", 1);
  ::setenv("GITHUB_TOKEN", "ghp_daemon_secret", 1);
  ::setenv("HIVE_BUILD_FLAG", "on", 1);
  auto end = follow(start_download("build:env-dump")).final_data();
  ::unsetenv("HF_TOKEN");
  ::unsetenv("GITHUB_TOKEN");
  ::unsetenv("HIVE_BUILD_FLAG");
  ASSERT_EQ(end, "[DONE]");
  auto env = read_file(models_dir / "env-dump" / "env.txt");
  EXPECT_EQ(env.find("daemon_secret"), std::string::npos) << env;
  EXPECT_NE(env.find("PATH=" + std::string{std::getenv("PATH")} + "\n"), std::string::npos) << env;
  EXPECT_NE(env.find("HIVE_BUILD_FLAG=on\n"), std::string::npos) << "the recipe names it\n" << env;
  std::size_t lines = std::count(env.begin(), env.end(), '\n');
  EXPECT_LE(lines, 6u) << "PATH, HOME, LANG, the named one, and what sh sets itself (PWD, SHLVL)\n"
                       << env;
}

TEST_F(BuildRecipeTest, ARecipeThatMakesNothingOrCannotStartFails) {
  auto nothing = follow(start_download("build:makes-nothing")).final_data();
  EXPECT_EQ(nothing, "[ERROR] build_failed: recipe 'makes-nothing' succeeded but did not make "
                         + (workdir / "model.bin").string());
  auto absent = follow(start_download("build:no-program")).final_data();
  EXPECT_EQ(absent.rfind("[ERROR] build_failed: recipe 'no-program' did not start: cannot start "
                         "no-such-program-here in ",
                         0),
            0u)
      << absent;
  EXPECT_NE(absent.find("No such file or directory"), std::string::npos) << absent;
}

TEST_F(BuildRecipeTest, AnUnknownRecipeIsRefusedAtSubmission) {
  auto reply = post_job(R"({"operation":"model_download","model":"build:nope"})");
  EXPECT_EQ(reply.status, 404u);
  simdjson::dom::parser parser;
  std::string_view code, message;
  auto doc = parse_json(parser, reply.body);
  ASSERT_EQ(doc["error"]["code"].get(code), simdjson::SUCCESS) << reply.body;
  ASSERT_EQ(doc["error"]["message"].get(message), simdjson::SUCCESS) << reply.body;
  EXPECT_EQ(code, "not_found");
  EXPECT_EQ(message, "no build recipe 'nope' on this node (its --recipes file defines env-dump, "
                     "failing, makes-nothing, no-program, open-files, slow, tiny-model)");
  auto bad = post_job(R"({"operation":"model_download","model":"build:../x"})");
  EXPECT_EQ(bad.status, 400u);
}

// -- the recipes file ---------------------------------------------------------

class RecipesFileTest : public ::testing::Test {
protected:
  void TearDown() override {
    std::error_code ec;
    fs::remove(file, ec);
  }

  fs::path write(const std::string& text) {
    std::ofstream{file} << text;
    return file;
  }

  /// The message load_recipes throws, or "" when it does not.
  std::string refusal(const std::string& text) {
    try {
      load_recipes(write(text));
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return {};
  }

  fs::path file =
      fs::temp_directory_path() / ("recipes-" + std::to_string(std::random_device{}()) + ".json");
};

TEST_F(RecipesFileTest, ReadsEveryField) {
  auto recipes = load_recipes(write(R"json({"recipes":{"llama-q4":{"workdir":"/srv/llama",
      "command":["/bin/sh","-c","make -j2"],"outputs":["out/model.gguf"],
      "progress":"step (\\d+) of (\\d+)","env":["CUDA_HOME"]}}})json"));
  ASSERT_EQ(recipes.size(), 1u);
  const auto& r = recipes.at("llama-q4");
  EXPECT_EQ(r.workdir, fs::path{"/srv/llama"});
  EXPECT_EQ(r.command, (std::vector<std::string>{"/bin/sh", "-c", "make -j2"}));
  EXPECT_EQ(r.outputs, std::vector<std::string>{"out/model.gguf"});
  EXPECT_EQ(r.progress, R"(step (\d+) of (\d+))");
  EXPECT_EQ(r.env, std::vector<std::string>{"CUDA_HOME"});
}

TEST_F(RecipesFileTest, RefusesWhatItCannotRunSafely) {
  auto where = "--recipes " + file.string();
  EXPECT_EQ(refusal("{not json").rfind(where + ": ", 0), 0u);
  EXPECT_EQ(refusal(R"({"x":{}})"), where + R"(: expected {"recipes":{"<name>":{...}}})");
  const std::string ok_rest = R"("command":["make"],"outputs":["m.bin"])";
  EXPECT_EQ(refusal(R"({"recipes":{"r":{"workdir":"rel",)" + ok_rest + "}}}"),
            where + ": recipe 'r': 'workdir' must be an absolute path");
  EXPECT_EQ(refusal(R"({"recipes":{"r":{"workdir":"/w","command":[],"outputs":["m"]}}})"),
            where + ": recipe 'r': 'command' must be a non-empty array of strings");
  EXPECT_EQ(refusal(R"({"recipes":{"r":{"workdir":"/w","command":["make"],"outputs":["../m"]}}})"),
            where
                + ": recipe 'r': output '../m' must be a path inside 'workdir' (relative, no "
                  "'..')");
  EXPECT_EQ(
      refusal(R"({"recipes":{"r":{"workdir":"/w","command":["make"],"outputs":["a/m","b/m"]}}})"),
      where + ": recipe 'r': two outputs are named 'm'");
  EXPECT_EQ(refusal(R"({"recipes":{"r":{"workdir":"/w",)" + ok_rest + R"(,"progress":"(\\d+"}}})")
                .rfind(where + ": recipe 'r': 'progress' is not a regular expression", 0),
            0u);
  EXPECT_EQ(refusal(R"({"recipes":{"r":{"workdir":"/w",)" + ok_rest + R"(,"progress":"\\d+"}}})"),
            where
                + ": recipe 'r': 'progress' needs one capture group (a percentage) or two "
                  "(done and total steps)");
  EXPECT_EQ(refusal(R"({"recipes":{"a b":{"workdir":"/w",)" + ok_rest + "}}}"),
            where + ": recipe 'a b': a name is letters, digits, '.', '_' and '-'");
}

// -- reading a build's output ---------------------------------------------------

TEST(BuildOutputTest, ReadsCMakeAndNinjaProgressThatNeverGoesBack) {
  build_output out{""};
  auto now = build_output::clock::now();
  EXPECT_EQ(out.take("-- Configuring done", now).percent, std::nullopt);
  EXPECT_EQ(out.take("[ 42%] Building C object x.o", now).percent, 42u);
  EXPECT_EQ(out.take("[5/10] Linking C executable y", now).percent, 50u);
  EXPECT_EQ(out.take("[ 12%] Building C object z.o", now).percent, std::nullopt);
  EXPECT_EQ(out.take("[10/10] done", now).percent, 100u);
  build_output own{R"(step (\d+) of (\d+))"};
  EXPECT_EQ(own.take("[ 50%] ignored", now).percent, std::nullopt);
  EXPECT_EQ(own.take("step 1 of 4", now).percent, 25u);
  EXPECT_FALSE(build_output{""}.shows_progress());
}

TEST(BuildOutputTest, NarratesAtMostSoManyLinesASecondAndKeepsTheLast) {
  build_output out{"", 3};
  auto now = build_output::clock::now();
  int narrated = 0;
  for (int i = 0; i < 10; ++i)
    narrated += out.take("line " + std::to_string(i), now).narrate ? 1 : 0;
  EXPECT_EQ(narrated, 3);
  auto next = out.take("later", now + std::chrono::seconds{1});
  EXPECT_TRUE(next.narrate);
  EXPECT_EQ(next.held_back, 7u);
  EXPECT_EQ(out.take_held_back(), 0u);
  EXPECT_EQ(out.tail(), "line 1 | line 2 | line 3 | line 4 | line 5 | line 6 | line 7 | line 8 | "
                        "line 9 | later");
}

} // namespace
