// Hives joining, leaving and coming back: real provisiond processes linked
// over CAF's middleman on loopback (plain, and TLS with certificates the
// test makes with the openssl CLI).

#include "net/asio.hpp"

#include "net/http_client.hpp"
#include "tests/support/hive_cluster.hpp"
#include "tests/support/test_certificates.hpp"
#include "tests/support/test_file_server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <tuple>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

using states = hive_states;

class ClusterTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("cluster-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    hives = std::make_unique<hive_cluster>(dir);
  }
  void TearDown() override {
    hives.reset();
    fs::remove_all(dir);
  }

  static states all_up(std::initializer_list<const char*> ids) {
    states want;
    for (const char* id : ids)
      want[id] = "up";
    return want;
  }

  /// Starts provisiond with `args` alone, expecting it to stop at start-up.
  static std::pair<int, std::string> refused(const std::string& args) {
    return run(std::string{PROVISIOND_PATH} + " --listen 127.0.0.1:0 " + args);
  }

  void make_ca(const std::string& name) {
    make_test_ca(dir, name);
  }
  std::vector<std::string> tls_args(const std::string& hive, const std::string& ca) {
    return make_test_cert(dir, hive, ca);
  }

  static std::vector<std::string> operator_plus(std::vector<std::string> a,
                                                const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  fs::path dir;
  std::unique_ptr<hive_cluster> hives;
};

TEST_F(ClusterTest, ThreeHivesJoinThroughOneSeedAndListEachOther) {
  hives->start("a");
  hives->start("b", hives->join("a"));
  hives->start("c", hives->join("a"));
  auto want = all_up({"a", "b", "c"});
  for (const char* id : {"a", "b", "c"})
    EXPECT_EQ(hives->await_states(id, want, join_deadline), want) << "as hive " << id << " sees it";

  // b learned c from a alone, and lists it as /v1/cluster promises.
  auto reply = net::http_call("GET", (*hives)["b"].url() + "/v1/cluster");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  simdjson::dom::parser parser;
  auto doc = parser.parse(reply.body);
  EXPECT_EQ(std::string_view{doc["hive_id"].get_string().value()}, "b");
  auto list = doc["hives"].get_array().value();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(std::string_view{list.at(0)["hive_id"].get_string().value()}, "b") << "self first";
  for (auto h : list) {
    std::string id{h["hive_id"].get_string().value()};
    EXPECT_EQ(std::string_view{h["api_url"].get_string().value()}, (*hives)[id].url()) << id;
    EXPECT_EQ(h["models"].get_array().value().size(), 0u);
    EXPECT_EQ(h["jobs_running"].get_uint64().value(), 0u);
    EXPECT_GT(h["last_seen_ms"].get_int64().value(), 0);
  }
}

TEST_F(ClusterTest, AHivesModelsReachTheOthers) {
  test_file_server files;
  files.add_file("tiny.gguf", make_test_bytes(4096, 7));
  hives->start("a");
  hives->start("b", hives->join("a"));
  auto created = net::http_call("POST", (*hives)["b"].url() + "/v1/jobs",
                                R"({"operation":"model_download","model":"url:)" + files.base_url()
                                    + R"(/files/tiny.gguf"})");
  ASSERT_EQ(created.status, 201u) << created.body;
  auto deadline = std::chrono::steady_clock::now() + join_deadline;
  std::string seen;
  while (std::chrono::steady_clock::now() < deadline) {
    seen = net::http_call("GET", (*hives)["a"].url() + "/v1/cluster").body;
    if (seen.find(R"("hive_id":"b","api_url":")" + (*hives)["b"].url()
                  + R"(","state":"up","models":["tiny"])")
        != std::string::npos)
      break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_NE(seen.find(R"("models":["tiny"])"), std::string::npos) << seen;
}

TEST_F(ClusterTest, AKilledHiveIsDownOnItsDownMessageAndUpAgainOnceRestarted) {
  hives->start("a");
  hives->start("b", hives->join("a"));
  hives->start("c", hives->join("a"));
  auto want = all_up({"a", "b", "c"});
  for (const char* id : {"a", "b"})
    ASSERT_EQ(hives->await_states(id, want, join_deadline), want) << "as hive " << id << " sees it";

  hives->kill("c");
  // No hive guesses from silence: only the down message of c's link marks it.
  states down{{"a", "up"}, {"b", "up"}, {"c", "down"}};
  for (const char* id : {"a", "b"}) {
    EXPECT_EQ(hives->await_states(id, down, join_deadline), down) << "as hive " << id << " sees it";
    EXPECT_TRUE((*hives)[id].wait_for_log("cluster: hive c is down", 1s));
  }
  auto lookup = net::http_call("GET", (*hives)["a"].url() + "/v1/cluster");
  EXPECT_NE(lookup.body.find(R"("hive_id":"c")"), std::string::npos) << "a down hive stays listed";

  hives->start("c", hives->join("b")); // a new port, a new process, the old name
  for (const char* id : {"a", "b", "c"})
    EXPECT_EQ(hives->await_states(id, want, join_deadline), want) << "as hive " << id << " sees it";
}

TEST_F(ClusterTest, AHiveUnderAnIdThatIsUpElsewhereIsRefusedWithALogLine) {
  hives->start("a");
  hives->start("b", hives->join("a"));
  ASSERT_EQ(hives->await_states("a", all_up({"a", "b"}), join_deadline), all_up({"a", "b"}));
  auto b_url = (*hives)["b"].url();

  auto& twin = hives->start("twin", operator_plus({"--hive-id", "b"}, hives->join("a")));
  EXPECT_TRUE(twin.wait_for_log(
      "refused this hive: hive id 'b' is taken by another hive that is up", join_deadline));
  EXPECT_TRUE(
      (*hives)["a"].wait_for_log("hive id 'b' is taken by another hive that is up", join_deadline));
  auto seen = net::http_call("GET", (*hives)["a"].url() + "/v1/cluster").body;
  EXPECT_NE(seen.find(R"("hive_id":"b","api_url":")" + b_url + "\""), std::string::npos)
      << "the first b keeps its name: " << seen;
}

TEST_F(ClusterTest, TlsLinksJoinHivesOfOneCaAndRefuseAHiveOfAnother) {
  make_ca("cluster");
  make_ca("foreign");
  hives->start("a", tls_args("a", "cluster"));
  hives->start("b", operator_plus(tls_args("b", "cluster"), hives->join("a")));
  EXPECT_TRUE((*hives)["a"].wait_for_log("(TLS: every peer must present a certificate", 1s));
  EXPECT_EQ(hives->await_states("b", all_up({"a", "b"}), join_deadline), all_up({"a", "b"}));

  hives->start("x", operator_plus(tls_args("x", "foreign"), hives->join("a")));
  EXPECT_TRUE((*hives)["x"].wait_for_log("cluster: cannot join the hive at " + hives->address("a")
                                             + ": system_error(disconnect_during_handshake) (TLS "
                                               "handshake refused",
                                         join_deadline));
  EXPECT_EQ(hives->states_seen_by("x"), all_up({"x"}));
  // x never gets in, and a-b stays up (AFailedTlsHandshakeLeavesTheOtherLinksUp).
  EXPECT_EQ(hives->await_states("a", all_up({"a", "b"}), join_deadline), all_up({"a", "b"}));
}

TEST_F(ClusterTest, AFailedTlsHandshakeLeavesTheOtherLinksUp) {
  // CAF's TLS sessions share one thread and never clear its OpenSSL error
  // queue: a failed handshake's errors made the next read of any other
  // session fail, so anyone who reached the cluster port could cut every link.
  make_ca("cluster");
  hives->start("a", tls_args("a", "cluster"));
  hives->start("b", operator_plus(tls_args("b", "cluster"), hives->join("a")));
  ASSERT_EQ(hives->await_states("b", all_up({"a", "b"}), join_deadline), all_up({"a", "b"}));
  auto address = hives->address("a");
  auto port = address.substr(address.rfind(':') + 1);
  for (int i = 0; i < 3; ++i) {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket socket{ioc};
    socket.connect(
        {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(port))});
    boost::asio::write(socket, boost::asio::buffer(std::string{"GET / HTTP/1.1\r\n\r\n"}));
    boost::system::error_code ec;
    std::array<char, 256> sink{};
    while (!ec)
      socket.read_some(boost::asio::buffer(sink), ec);
  }
  // Statuses cross the a-b link every interval: a drop would show in the logs.
  EXPECT_FALSE((*hives)["a"].wait_for_log("cluster: hive b is down", 2s));
  EXPECT_FALSE((*hives)["b"].wait_for_log("cluster: hive a is down", 0s));
  EXPECT_EQ(hives->states_seen_by("a"), all_up({"a", "b"}));
}

TEST_F(ClusterTest, BadClusterOptionsStopStartUpWithAClearMessage) {
  auto expect_refusal = [](const std::string& args, const std::string& message) {
    auto [code, out] = refused(args);
    EXPECT_EQ(code, 2) << args << "\n" << out;
    EXPECT_NE(out.find(message), std::string::npos) << args << "\n" << out;
  };
  expect_refusal("--cluster-listen 10.1.2.3:7836",
                 "--cluster-listen 10.1.2.3:7836: without --cluster-cert, --cluster-key and "
                 "--cluster-ca cluster links are plain");
  expect_refusal("--cluster-peer 192.0.2.7:7836", "--cluster-peer 192.0.2.7:7836: without");
  expect_refusal("--cluster-listen 127.0.0.1", "--cluster-listen: expected HOST:PORT");
  expect_refusal("--cluster-cert " + (dir / "a.pem").string(),
                 "go together (all three or none); missing: --cluster-key --cluster-ca");
  expect_refusal("--hive-id 'gpu 3'", "--hive-id: expected 1 to 63 characters of A-Z a-z 0-9");
  expect_refusal("--hive-id " + std::string(64, 'a'), "--hive-id: expected 1 to 63 characters");

  make_ca("cluster");
  auto args = tls_args("a", "cluster");
  auto tls = args[0] + " " + args[1] + " " + args[2] + " " + args[3] + " " + args[4] + " ";
  expect_refusal(tls + args[5] + ".missing",
                 "--cluster-ca " + args[5] + ".missing: cannot load PEM CA certificates");
  fs::permissions(args[3], fs::perms::group_read, fs::perm_options::add);
  expect_refusal(tls + args[5],
                 "--cluster-key " + args[3] + ": its group or others may read it (chmod 600)");
}

TEST_F(ClusterTest, TheHiveIdIsShownOnJobsActorsTheCliAndTheInspector) {
  hives->start("a");
  auto& b = hives->start("b", hives->join("a"));
  ASSERT_EQ(hives->await_states("b", all_up({"a", "b"}), join_deadline), all_up({"a", "b"}));
  auto created = net::http_call("POST", b.url() + "/v1/jobs", R"({"operation":"model_list"})");
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_NE(net::http_call("GET", b.url() + "/v1/jobs").body.find(R"("hive_id":"b")"),
            std::string::npos);
  auto actors = net::http_call("GET", b.url() + "/v1/actors").body;
  EXPECT_NE(actors.find(R"("hive_id":"b","name":"cluster")"), std::string::npos) << actors;
  EXPECT_EQ(actors.find(R"("hive_id":"a")"), std::string::npos) << "another hive's actors";

  auto [code, table] = run(std::string{PROVISION_PATH} + " --server " + b.url() + " cluster");
  EXPECT_EQ(code, 0) << table;
  EXPECT_EQ(table.rfind("HIVE", 0), 0u) << table;
  for (const char* id : {"a", "b"}) {
    char line[256];
    std::snprintf(line, sizeof(line), "%-24s %-6s %-32s %6s %s\n", id, "up",
                  (*hives)[id].url().c_str(), "0", "0");
    EXPECT_NE(table.find(line), std::string::npos) << table;
  }
  EXPECT_LT(table.find("\nb "), table.find("\na ")) << "the hive asked comes first";

  auto [watched, frame] =
      run(std::string{ACTOR_INSPECTOR_PATH} + " --server " + b.url() + " --watch --iterations 1");
  EXPECT_EQ(watched, 0) << frame;
  EXPECT_NE(frame.find("provisiond " + b.url() + "  hive b  "), std::string::npos) << frame;
}

/// The `hive_id` of every actor of a `GET /v1/actors?cluster=1` body, in
/// order, and its `unreachable` hives.
std::pair<std::vector<std::string>, std::vector<std::string>> hives_of(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(body).get(doc), simdjson::SUCCESS) << body;
  std::vector<std::string> actors, unreachable;
  simdjson::dom::array rows, ids;
  EXPECT_EQ(doc["actors"].get(rows), simdjson::SUCCESS) << body;
  EXPECT_EQ(doc["unreachable"].get(ids), simdjson::SUCCESS) << body;
  for (auto a : rows) {
    std::string_view hive;
    EXPECT_EQ(a["hive_id"].get(hive), simdjson::SUCCESS) << body;
    actors.emplace_back(hive);
  }
  for (auto id : ids) {
    std::string_view hive;
    EXPECT_EQ(id.get(hive), simdjson::SUCCESS) << body;
    unreachable.emplace_back(hive);
  }
  return {actors, unreachable};
}

TEST_F(ClusterTest, OneHiveShowsEveryHivesActorsAsJsonAndInTheInspector) {
  hives->start("a");
  auto& b = hives->start("b", hives->join("a"));
  hives->start("c", hives->join("a"));
  auto want = all_up({"a", "b", "c"});
  ASSERT_EQ(hives->await_states("b", want, join_deadline), want);

  auto reply = net::http_call("GET", b.url() + "/v1/actors?cluster=1");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  auto [actors, unreachable] = hives_of(reply.body);
  EXPECT_TRUE(unreachable.empty()) << reply.body;
  ASSERT_FALSE(actors.empty());
  auto others =
      std::find_if(actors.begin(), actors.end(), [](const auto& id) { return id != "b"; });
  EXPECT_NE(others, actors.begin()) << "the hive asked comes first";
  EXPECT_TRUE(std::is_sorted(others, actors.end())) << "then the others by id";
  EXPECT_EQ(std::find(others, actors.end(), "b"), actors.end()) << reply.body;
  for (const char* id : {"a", "b", "c"}) {
    EXPECT_NE(std::find(actors.begin(), actors.end(), id), actors.end()) << id;
    for (const char* name : {"cluster", "job_router", "actor_registry"})
      EXPECT_NE(reply.body.find(std::string{R"("hive_id":")"} + id + R"(","name":")" + name + '"'),
                std::string::npos)
          << id << "'s " << name << " in " << reply.body;
  }

  auto [code, drawn] =
      run(std::string{ACTOR_INSPECTOR_PATH} + " --server " + b.url() + " --cluster");
  EXPECT_EQ(code, 0) << drawn;
  EXPECT_EQ(drawn.rfind("hive b  (", 0), 0u) << drawn;
  auto at_a = drawn.find("\nhive a  ("), at_c = drawn.find("\nhive c  (");
  ASSERT_NE(at_a, std::string::npos) << drawn;
  ASSERT_NE(at_c, std::string::npos) << drawn;
  EXPECT_LT(at_a, at_c) << drawn;
  for (auto at : {std::size_t{0}, at_a, at_c}) { // each heading with its own tree beneath
    auto tree = drawn.substr(at, drawn.find("\nhive ", at + 1) - at);
    EXPECT_NE(tree.find("\n  ID "), std::string::npos) << tree;
    EXPECT_NE(tree.find(" cluster "), std::string::npos) << tree;
    EXPECT_NE(tree.find(" job_router "), std::string::npos) << tree;
  }
  EXPECT_EQ(drawn.find("unreachable"), std::string::npos) << drawn;

  hives->kill("c");
  states down{{"a", "up"}, {"b", "up"}, {"c", "down"}};
  ASSERT_EQ(hives->await_states("b", down, join_deadline), down);
  reply = net::http_call("GET", b.url() + "/v1/actors?cluster=1");
  ASSERT_EQ(reply.status, 200u) << reply.body;
  std::tie(actors, unreachable) = hives_of(reply.body);
  EXPECT_EQ(unreachable, std::vector<std::string>{"c"}) << reply.body;
  EXPECT_EQ(std::find(actors.begin(), actors.end(), "c"), actors.end()) << reply.body;
  std::tie(code, drawn) =
      run(std::string{ACTOR_INSPECTOR_PATH} + " --server " + b.url() + " --cluster");
  EXPECT_EQ(code, 0) << drawn;
  EXPECT_NE(drawn.find("\nunreachable (down, or not answering): c\n"), std::string::npos) << drawn;
  EXPECT_EQ(drawn.find("hive c  ("), std::string::npos) << drawn;
}

TEST_F(ClusterTest, ALoopbackClusterSaysItsLinksArePlain) {
  auto& a = hives->start("a");
  EXPECT_TRUE(a.wait_for_log("(plain: links are neither authenticated nor encrypted, so loopback "
                             "only)",
                             1s));
  auto wrong = net::http_call("POST", a.url() + "/v1/cluster", "{}");
  EXPECT_EQ(wrong.status, 405u) << wrong.body;
}

} // namespace
