#include "tests/support/hive_cluster.hpp"

#include "net/http_client.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <csignal>
#include <stdexcept>
#include <thread>

namespace hive::test {

hive_cluster::hive_cluster(std::filesystem::path root) : root_(std::move(root)) {
}

daemon_process& hive_cluster::start(const std::string& hive_id, std::vector<std::string> args) {
  std::vector<std::string> all{
      "--hive-id",        hive_id,       "--models-dir",        models_dir(hive_id).string(),
      "--cluster-listen", "127.0.0.1:0", "--cluster-status-ms", "100"};
  all.insert(all.end(), args.begin(), args.end());
  auto& slot = hives_[hive_id];
  slot.reset(); // a hive started again: the old process is gone first
  slot = std::make_unique<daemon_process>(std::move(all));
  EXPECT_GT(slot->cluster_port(), 0) << "hive " << hive_id << " did not report its cluster port";
  return *slot;
}

void hive_cluster::kill(const std::string& hive_id) {
  (*this)[hive_id].stop(SIGKILL);
}

daemon_process& hive_cluster::operator[](const std::string& hive_id) const {
  auto i = hives_.find(hive_id);
  if (i == hives_.end() || !i->second)
    throw std::out_of_range("no hive " + hive_id + " was started");
  return *i->second;
}

std::string hive_cluster::address(const std::string& hive_id) const {
  return "127.0.0.1:" + std::to_string((*this)[hive_id].cluster_port());
}

std::vector<std::string> hive_cluster::join(const std::string& hive_id) const {
  return {"--cluster-peer", address(hive_id)};
}

std::filesystem::path hive_cluster::models_dir(const std::string& hive_id) const {
  return root_ / hive_id / "models";
}

std::map<std::string, std::string> hive_cluster::states_seen_by(const std::string& hive_id) const {
  std::map<std::string, std::string> states;
  auto reply =
      net::http_call("GET", (*this)[hive_id].url() + "/v1/cluster", {}, std::chrono::seconds{5});
  if (reply.status != 200)
    return states;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(reply.body).get(doc))
    return states;
  simdjson::dom::array hives;
  if (doc["hives"].get(hives))
    return states;
  for (auto h : hives) {
    std::string_view id, state;
    if (!h["hive_id"].get(id) && !h["state"].get(state))
      states[std::string{id}] = std::string{state};
  }
  return states;
}

std::map<std::string, std::string>
hive_cluster::await_states(const std::string& hive_id,
                           const std::map<std::string, std::string>& want,
                           std::chrono::milliseconds deadline) const {
  auto until = std::chrono::steady_clock::now() + deadline;
  auto seen = states_seen_by(hive_id);
  while (seen != want && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
    seen = states_seen_by(hive_id);
  }
  return seen;
}

} // namespace hive::test
