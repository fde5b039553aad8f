// Starting and stopping the embedded runtime.

#include "actors/node/hive_runtime.hpp"
#include "net/http_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>

using namespace hive;

namespace {

runtime_settings settings_in(const std::filesystem::path& dir) {
  runtime_settings s;
  s.listen_port = 0;
  s.jobs.models_dir = dir;
  return s;
}

} // namespace

TEST(HiveRuntimeTest, ListensOnAHostNameAndRefusesATakenPortWithoutHanging) {
  auto dir = std::filesystem::temp_directory_path()
             / ("runtime-test-" + std::to_string(std::random_device{}()));
  auto s = settings_in(dir);
  s.listen_host = "localhost";
  hive_runtime first{s};
  EXPECT_EQ(
      net::http_call("GET", "http://127.0.0.1:" + std::to_string(first.port()) + "/health").status,
      200u);

  auto taken = settings_in(dir);
  taken.listen_host = "localhost"; // the very address `first` holds
  taken.listen_port = first.port();
  auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(hive_runtime{taken}, std::exception);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{2});
  std::filesystem::remove_all(dir);
}
