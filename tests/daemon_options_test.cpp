// Every option and environment default of the real provisiond, by its effect:
// each row of the table starts the binary with one setting and checks what
// the setting changes, so that an option parsed and then dropped on its way
// to the code that uses it fails here. Rows given as options run twice: as
// flags and from a config file, which must work alike.

#include "net/http_client.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/hive_cluster.hpp"
#include "tests/support/test_certificates.hpp"
#include "tests/support/test_file_server.hpp"
#include "tests/support/test_github_server.hpp"
#include "tests/support/test_hub_server.hpp"
#include "tests/support/test_proxy.hpp"
#include "tests/support/test_registry.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <netinet/in.h>
#include <poll.h>
#include <random>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>
#include <vector>

using namespace hive;
using namespace hive::test;
namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;
using steady = std::chrono::steady_clock;

namespace {

constexpr const char* hub_repo = "TheOrg/Tiny-GGUF";

/// How a job ended and how long that took from its submission.
struct job_end {
  std::string data;
  milliseconds took{0};
  std::vector<net::sse_event> events;

  std::size_t count(const std::string& action) const {
    return std::count_if(events.begin(), events.end(), [&](const net::sse_event& e) {
      return e.name == "narration"
             && e.data.find("\"action\":\"" + action + "\"") != std::string::npos;
    });
  }
};

/// A loopback port that accepts no connection: its listen backlog is full, so
/// the kernel drops new SYNs and a connect waits until its own timeout.
class blackhole {
public:
  blackhole() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(listener_, 0), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    // Connect until one connect does not complete: from then on the queue is full.
    for (int i = 0; i < 16; ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      fillers_.push_back(fd);
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, 300) == 0)
        return;
    }
    ADD_FAILURE() << "the listen backlog never filled";
  }
  ~blackhole() {
    for (int fd : fillers_)
      ::close(fd);
    ::close(listener_);
  }
  blackhole(const blackhole&) = delete;
  blackhole& operator=(const blackhole&) = delete;

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

private:
  int listener_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

class DaemonOptionsTest;

/// One row: a setting and the check of its effect. `options` are given as
/// flags or as config-file lines; `env` entries are `NAME=value`.
struct option_row {
  const char* name;
  std::function<void(DaemonOptionsTest&)> check;
  bool has_options = true;
};

struct option_case {
  const option_row* row;
  bool config_file;
};

void PrintTo(const option_case& c, std::ostream* os) {
  *os << c.row->name << (c.config_file ? " (config file)" : " (flags)");
}

class DaemonOptionsTest : public ::testing::TestWithParam<option_case> {
public:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("daemon-options-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
  }
  void TearDown() override {
    daemon.reset(); // before the servers it talks to
    std::error_code ec;
    for (fs::recursive_directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec))
      if (it->is_directory())
        fs::permissions(it->path(), fs::perms::owner_all, ec);
    fs::remove_all(dir, ec);
  }

  /// Starts provisiond with `options` (as this case gives them) and `env` on
  /// top of an environment without proxies, tokens or Hub and Ollama
  /// variables. A models folder in the test's folder is added unless the
  /// options name one or `own_models_dir` is false.
  void start(std::vector<std::pair<std::string, std::string>> options,
             std::vector<std::string> env = {}, bool own_models_dir = true) {
    if (own_models_dir && std::none_of(options.begin(), options.end(), [](const auto& o) {
          return o.first == "models-dir";
        }))
      options.emplace_back("models-dir", (dir / "models").string());
    std::vector<std::string> args;
    if (GetParam().config_file) {
      std::ofstream conf{dir / "provisiond.conf"};
      conf << "# written by the test\n";
      for (const auto& [key, value] : options)
        conf << key << " = " << value << "\n";
      args = {"--config", (dir / "provisiond.conf").string()};
    } else {
      for (const auto& [key, value] : options)
        args.insert(args.end(), {"--" + key, value});
    }
    for (const char* name : {"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy",
                             "no_proxy", "HF_TOKEN", "HF_ENDPOINT", "HF_HOME", "HF_HUB_CACHE",
                             "GITHUB_TOKEN", "GITHUB_API_URL", "OLLAMA_MODELS", "XDG_CACHE_HOME"}) {
      std::string prefix = std::string{name} + "=";
      if (std::none_of(env.begin(), env.end(),
                       [&](const auto& e) { return e.starts_with(prefix); }))
        env.push_back(prefix);
    }
    env.push_back("HOME=" + (dir / "home").string());
    daemon = std::make_unique<daemon_process>(std::move(args), std::move(env));
  }

  /// Submits a download and returns its job id.
  std::string submit(const std::string& model) {
    auto reply = net::http_call("POST", daemon->url() + "/v1/jobs",
                                R"({"operation":"model_download","model":")" + model + "\"}");
    EXPECT_EQ(reply.status, 201u) << reply.body << reply.error;
    return field(reply.body, "job_id");
  }

  job_end follow(const std::string& job_id, steady::time_point since = steady::now()) {
    job_end end;
    net::read_sse(
        daemon->url() + "/v1/jobs/" + job_id + "/stream",
        [&](const net::sse_event& e) {
          end.events.push_back(e);
          return true;
        },
        {}, seconds{60});
    end.took = std::chrono::duration_cast<milliseconds>(steady::now() - since);
    if (!end.events.empty())
      end.data = end.events.back().data;
    return end;
  }

  /// Submits a download and follows it to its end.
  job_end download(const std::string& model) {
    auto since = steady::now();
    return follow(submit(model), since);
  }

  std::string state(const std::string& job_id) {
    return field(net::http_call("GET", daemon->url() + "/v1/jobs/" + job_id).body, "state");
  }

  static std::string field(const std::string& json, const char* key) {
    simdjson::dom::parser parser;
    std::string_view value;
    if (parser.parse(json)[key].get(value) != simdjson::SUCCESS)
      return {};
    return std::string{value};
  }

  /// Request lines the proxy passed on that contain `part`.
  static std::size_t proxied(const test_proxy& proxy, const std::string& part) {
    auto seen = proxy.requests();
    return std::count_if(seen.begin(), seen.end(),
                         [&](const std::string& r) { return r.find(part) != std::string::npos; });
  }

  /// A Hub with one small LFS file and one plain file in `hub_repo`.
  void fill_hub() {
    hub().add_file(hub_repo, "tiny.Q4_K_M.gguf", make_test_bytes(64 * 1024, 31), true);
    hub().add_file(hub_repo, "config.json", "{}", false);
  }

  fs::path hub_snapshot(const fs::path& cache) {
    return cache / "models--TheOrg--Tiny-GGUF" / "snapshots" / hub().commit(hub_repo);
  }

  /// `library/tiny:latest` on the test registry.
  void push_tiny() {
    registry().push_model("library/tiny", "latest",
                          {{"application/vnd.ollama.image.model", make_test_bytes(32 * 1024, 32)}});
  }

  void add_github_asset() {
    github().add_release("acme/models", "v1");
    github().add_asset("acme/models", "v1", "tiny.gguf", make_test_bytes(16 * 1024, 33));
  }

  // The servers a row uses, started on first use (the registry is a process).
  test_file_server& files() {
    return lazy(files_);
  }
  test_hub_server& hub() {
    return lazy(hub_);
  }
  test_github_server& github() {
    return lazy(github_);
  }
  test_registry& registry() {
    return lazy(registry_);
  }
  test_proxy& proxy() {
    return lazy(proxy_);
  }

  fs::path dir;
  std::unique_ptr<daemon_process> daemon;

private:
  template <class T>
  static T& lazy(std::unique_ptr<T>& server) {
    if (!server)
      server = std::make_unique<T>();
    return *server;
  }

  std::unique_ptr<test_file_server> files_;
  std::unique_ptr<test_hub_server> hub_;
  std::unique_ptr<test_github_server> github_;
  std::unique_ptr<test_registry> registry_;
  std::unique_ptr<test_proxy> proxy_;
};

// -- the table ---------------------------------------------------------------

const option_row rows[] = {
    {"HiveIdNamesTheHive",
     [](DaemonOptionsTest& t) {
       t.start({{"hive-id", "gpu-07"}});
       EXPECT_EQ(t.field(net::http_call("GET", t.daemon->url() + "/v1/cluster").body, "hive_id"),
                 "gpu-07");
     }},
    {"ClusterListenAndRepeatedClusterPeersJoinEachPeer",
     [](DaemonOptionsTest& t) {
       // a and b do not know each other: c lists both only if it dialed both.
       hive_cluster others{t.dir / "others"};
       others.start("a");
       others.start("b");
       t.start({{"hive-id", "c"},
                {"cluster-listen", "127.0.0.1:0"},
                {"cluster-peer", others.address("a")},
                {"cluster-peer", others.address("b")}});
       EXPECT_GT(t.daemon->cluster_port(), 0);
       EXPECT_EQ(others.await_states("a", {{"a", "up"}, {"b", "up"}, {"c", "up"}}, seconds{30}),
                 (std::map<std::string, std::string>{{"a", "up"}, {"b", "up"}, {"c", "up"}}));
       EXPECT_TRUE(t.daemon->wait_for_log("cluster: hive b is up", seconds{30}));
     }},
    {"ClusterCertKeyAndCaMakeTheLinksTls",
     [](DaemonOptionsTest& t) {
       make_test_ca(t.dir, "cluster");
       hive_cluster others{t.dir / "others"};
       others.start("a", make_test_cert(t.dir, "a", "cluster"));
       auto tls = make_test_cert(t.dir, "c", "cluster");
       t.start({{"hive-id", "c"},
                {"cluster-peer", others.address("a")},
                {"cluster-cert", tls[1]},
                {"cluster-key", tls[3]},
                {"cluster-ca", tls[5]}});
       EXPECT_EQ(others.await_states("a", {{"a", "up"}, {"c", "up"}}, seconds{30}),
                 (std::map<std::string, std::string>{{"a", "up"}, {"c", "up"}}));
     }},
    {"MaxConcurrentQueuesTheSecondJob",
     [](DaemonOptionsTest& t) {
       t.files().add_file("q1.gguf", make_test_bytes(1024 * 1024, 1));
       t.files().add_file("q2.gguf", make_test_bytes(1024, 2));
       t.start({{"max-concurrent", "1"}});
       auto first = t.submit("url:" + t.files().base_url() + "/files/q1.gguf?rate=1000000");
       auto second = t.submit("url:" + t.files().base_url() + "/files/q2.gguf");
       EXPECT_EQ(t.state(second), "queued") << "a second job ran beside the first";
       EXPECT_EQ(t.follow(first).data, "[DONE]");
       EXPECT_EQ(t.follow(second).data, "[DONE]");
     }},
    {"StallTimeoutFailsAStalledTransferInAboutASecond",
     [](DaemonOptionsTest& t) {
       t.files().add_file("s.gguf", make_test_bytes(1024 * 1024, 3));
       t.start({{"stall-timeout-secs", "1"}});
       auto end = t.download("url:" + t.files().base_url() + "/files/s.gguf?stall_after=1000");
       EXPECT_EQ(end.data.rfind("[ERROR] stalled: ", 0), 0u) << end.data;
       EXPECT_GE(end.took, milliseconds{900});
       EXPECT_LT(end.took, seconds{8}) << "the default stall timeout is 30 s";
     }},
    {"ConnectionsPerFileCapsTheConnectionsOfOneFile",
     [](DaemonOptionsTest& t) {
       t.files().add_file("p.gguf", make_test_bytes(9 * 1024 * 1024, 4));
       t.start({{"connections-per-file", "1"}});
       auto end = t.download("url:" + t.files().base_url() + "/files/p.gguf?ranges=1&rate=40000000");
       EXPECT_EQ(end.data, "[DONE]");
       EXPECT_EQ(t.files().requests().size(), 1u) << "one connection, one request: no parts";
     }},
    {"ConnectTimeoutGivesUpOnASourceThatNeverAccepts",
     [](DaemonOptionsTest& t) {
       blackhole hole;
       t.start({{"connect-timeout-secs", "1"}});
       auto end = t.download("url:" + hole.url("/x.gguf"));
       EXPECT_EQ(end.data.rfind("[ERROR] connection_failed: ", 0), 0u) << end.data;
       EXPECT_GE(end.took, milliseconds{900});
       EXPECT_LT(end.took, seconds{8}) << "the default connect timeout is 10 s";
     }},
    {"HeartbeatSecsSetsTheHeartbeatInterval",
     [](DaemonOptionsTest& t) {
       t.files().add_file("h.gguf", make_test_bytes(1024 * 1024, 4));
       t.start({{"heartbeat-secs", "1"}});
       auto end = t.download("url:" + t.files().base_url() + "/files/h.gguf?rate=350000");
       EXPECT_EQ(end.data, "[DONE]");
       EXPECT_GE(end.count("heartbeat"), 2u) << "the default interval is 10 s";
     }},
    {"HfEndpointAndHfCachePlaceTheDownload",
     [](DaemonOptionsTest& t) {
       t.fill_hub();
       auto cache = t.dir / "hf-cache";
       t.start({{"hf-endpoint", t.hub().endpoint()}, {"hf-cache", cache.string()}});
       EXPECT_EQ(t.download(std::string{"hf:"} + hub_repo + ":tiny.Q4_K_M.gguf").data, "[DONE]");
       EXPECT_TRUE(fs::exists(t.hub_snapshot(cache) / "tiny.Q4_K_M.gguf"));
     }},
    {"HfTokenOpensAGatedRepository",
     [](DaemonOptionsTest& t) {
       t.fill_hub();
       t.hub().gate(hub_repo, "hf_secret");
       t.start({{"hf-endpoint", t.hub().endpoint()}, {"hf-token", "hf_secret"}});
       EXPECT_EQ(t.download(std::string{"hf:"} + hub_repo + ":tiny.Q4_K_M.gguf").data, "[DONE]");
     }},
    {"HttpProxyCarriesHubApiCallsAndNoProxyExemptsAHost",
     [](DaemonOptionsTest& t) {
       t.fill_hub();
       // The Hub's API is at 127.0.0.1, its CDN at localhost: only the CDN
       // goes through the proxy.
       t.start({{"hf-endpoint", t.hub().endpoint()},
                {"http-proxy", t.proxy().url()},
                {"no-proxy", "example.org, 127.0.0.1"}});
       EXPECT_EQ(t.download(std::string{"hf:"} + hub_repo + ":tiny.Q4_K_M.gguf").data, "[DONE]");
       EXPECT_EQ(t.proxied(t.proxy(), "127.0.0.1"), 0u);
       EXPECT_GE(t.proxied(t.proxy(), "GET http://localhost:"), 1u);
     }},
    {"HttpsProxyTunnelsHttpsAndCaFileTrustsTheServer",
     [](DaemonOptionsTest& t) {
       test_file_server tls{{tls_dir() + "/server.pem", tls_dir() + "/server.key"}};
       tls.add_file("t.gguf", "served over TLS");
       t.start({{"https-proxy", t.proxy().url()}, {"ca-file", tls_dir() + "/ca.pem"}});
       EXPECT_EQ(t.download("url:" + tls.base_url() + "/files/t.gguf").data, "[DONE]");
       EXPECT_EQ(t.proxied(t.proxy(), "CONNECT 127.0.0.1:" + std::to_string(tls.port())), 1u);
     }},
    {"GithubApiAndTokenReachTheReleasesApiThroughTheProxy",
     [](DaemonOptionsTest& t) {
       t.add_github_asset();
       t.github().require_token("gh_secret");
       t.start({{"github-api", t.github().api_url()},
                {"github-token", "gh_secret"},
                {"http-proxy", t.proxy().url()}});
       EXPECT_EQ(t.download("gh:acme/models@v1:tiny.gguf").data, "[DONE]");
       EXPECT_GE(t.proxied(t.proxy(), "/repos/acme/models/releases/tags/v1"), 1u);
     }},
    {"OllamaRegistryAndModelsPlaceThePullAndItsApiCallsUseTheProxy",
     [](DaemonOptionsTest& t) {
       t.push_tiny();
       auto store = t.dir / "ollama";
       t.start({{"ollama-registry", t.registry().base()},
                {"ollama-models", store.string()},
                {"http-proxy", t.proxy().url()}});
       EXPECT_EQ(t.download("ollama:tiny").data, "[DONE]");
       EXPECT_TRUE(
           fs::exists(store / "manifests" / "registry.ollama.ai" / "library" / "tiny" / "latest"));
       EXPECT_GE(t.proxied(t.proxy(), "/v2/library/tiny/manifests/latest"), 1u);
     }},
    {"MaxRateCapsEveryDownloadAndEventsCarryIt",
     [](DaemonOptionsTest& t) {
       t.files().add_file("r.gguf", make_test_bytes(512 * 1024, 5));
       t.start({{"max-rate", "512K"}});
       auto end = t.download("url:" + t.files().base_url() + "/files/r.gguf");
       EXPECT_EQ(end.data, "[DONE]");
       // 512 KiB at 512 KiB/s, less the burst and the first read (a tenth of a second each).
       EXPECT_GE(end.took, milliseconds{750});
       EXPECT_TRUE(std::any_of(end.events.begin(), end.events.end(), [](const net::sse_event& e) {
         return e.name == "progress" && e.data.find(R"("max_rate":524288)") != std::string::npos;
       }));
     }},
    {"MinFreeRefusesAJobThatWouldEatIntoIt",
     [](DaemonOptionsTest& t) {
       t.add_github_asset();
       t.start({{"github-api", t.github().api_url()}, {"min-free", "1000000T"}});
       auto end = t.download("gh:acme/models@v1:tiny.gguf");
       EXPECT_EQ(end.data.rfind("[ERROR] insufficient_space: needs 16.4 kB, ", 0), 0u) << end.data;
       EXPECT_NE(end.data.find("must stay free (--min-free)"), std::string::npos) << end.data;
       EXPECT_TRUE(t.github().blobs().requests().empty());
     }},
    {"ModelsDirIsWhereModelsGo",
     [](DaemonOptionsTest& t) {
       t.files().add_file("m.gguf", "weights");
       auto models = t.dir / "elsewhere";
       t.start({{"models-dir", models.string()}});
       EXPECT_EQ(t.download("url:" + t.files().base_url() + "/files/m.gguf").data, "[DONE]");
       EXPECT_EQ(read_file(models / "m" / "m.gguf"), "weights");
     }},
    // -- environment defaults ------------------------------------------------
    {"EnvHttpProxyCarriesHubApiCalls",
     [](DaemonOptionsTest& t) {
       t.fill_hub();
       t.start({{"hf-endpoint", t.hub().endpoint()}}, {"HTTP_PROXY=" + t.proxy().url()});
       // A quantisation tag asks the API for the repository's files, then
       // HEADs the one it picks.
       EXPECT_EQ(t.download(std::string{"hf:"} + hub_repo + ":Q4_K_M").data, "[DONE]");
       auto hub = t.hub().endpoint() + "/";
       EXPECT_GE(t.proxied(t.proxy(), "GET " + hub + "api/models/" + hub_repo), 1u)
           << ::testing::PrintToString(t.proxy().requests());
       EXPECT_GE(t.proxied(t.proxy(), "HEAD " + hub + hub_repo + "/resolve/"), 1u);
     },
     false},
    {"EnvHttpsProxyTunnelsHttps",
     [](DaemonOptionsTest& t) {
       test_file_server tls{{tls_dir() + "/server.pem", tls_dir() + "/server.key"}};
       tls.add_file("t.gguf", "served over TLS");
       t.start({{"ca-file", tls_dir() + "/ca.pem"}}, {"HTTPS_PROXY=" + t.proxy().url()});
       EXPECT_EQ(t.download("url:" + tls.base_url() + "/files/t.gguf").data, "[DONE]");
       EXPECT_EQ(t.proxied(t.proxy(), "CONNECT 127.0.0.1:" + std::to_string(tls.port())), 1u);
     },
     false},
    {"EnvNoProxyExemptsAHost",
     [](DaemonOptionsTest& t) {
       t.fill_hub();
       t.start({{"hf-endpoint", t.hub().endpoint()}},
               {"HTTP_PROXY=" + t.proxy().url(), "NO_PROXY=127.0.0.1"});
       EXPECT_EQ(t.download(std::string{"hf:"} + hub_repo + ":tiny.Q4_K_M.gguf").data, "[DONE]");
       EXPECT_EQ(t.proxied(t.proxy(), "127.0.0.1"), 0u);
       EXPECT_GE(t.proxied(t.proxy(), "GET http://localhost:"), 1u);
     },
     false},
    {"EnvHfEndpointTokenAndHubCache",
     [](DaemonOptionsTest& t) {
       t.fill_hub();
       t.hub().gate(hub_repo, "hf_env_secret");
       auto cache = t.dir / "hub-cache";
       t.start({}, {"HF_ENDPOINT=" + t.hub().endpoint(), "HF_TOKEN=hf_env_secret",
                    "HF_HUB_CACHE=" + cache.string()});
       EXPECT_EQ(t.download(std::string{"hf:"} + hub_repo + ":tiny.Q4_K_M.gguf").data, "[DONE]");
       EXPECT_TRUE(fs::exists(t.hub_snapshot(cache) / "tiny.Q4_K_M.gguf"));
     },
     false},
    {"EnvGithubApiUrlAndToken",
     [](DaemonOptionsTest& t) {
       t.add_github_asset();
       t.github().require_token("gh_env_secret");
       t.start({}, {"GITHUB_API_URL=" + t.github().api_url(), "GITHUB_TOKEN=gh_env_secret"});
       EXPECT_EQ(t.download("gh:acme/models@v1:tiny.gguf").data, "[DONE]");
     },
     false},
    {"EnvOllamaModelsIsTheStore",
     [](DaemonOptionsTest& t) {
       t.push_tiny();
       auto store = t.dir / "ollama-env";
       t.start({{"ollama-registry", t.registry().base()}}, {"OLLAMA_MODELS=" + store.string()});
       EXPECT_EQ(t.download("ollama:tiny").data, "[DONE]");
       EXPECT_TRUE(
           fs::exists(store / "manifests" / "registry.ollama.ai" / "library" / "tiny" / "latest"));
     },
     false},
    {"EnvXdgCacheHomeHoldsTheDefaultModelsDir",
     [](DaemonOptionsTest& t) {
       t.files().add_file("x.gguf", "weights");
       auto xdg = t.dir / "xdg";
       t.start({}, {"XDG_CACHE_HOME=" + xdg.string()}, false);
       EXPECT_EQ(t.download("url:" + t.files().base_url() + "/files/x.gguf").data, "[DONE]");
       EXPECT_EQ(read_file(xdg / "rbee" / "models" / "x" / "x.gguf"), "weights");
     },
     false},
};

std::vector<option_case> cases(bool config_file) {
  std::vector<option_case> out;
  for (const auto& row : rows)
    if (!config_file || row.has_options)
      out.push_back({&row, config_file});
  return out;
}

std::string case_name(const ::testing::TestParamInfo<option_case>& info) {
  return info.param.row->name;
}

} // namespace

TEST_P(DaemonOptionsTest, TakesEffect) {
  GetParam().row->check(*this);
}

INSTANTIATE_TEST_SUITE_P(Flags, DaemonOptionsTest, ::testing::ValuesIn(cases(false)), case_name);
INSTANTIATE_TEST_SUITE_P(ConfigFile, DaemonOptionsTest, ::testing::ValuesIn(cases(true)),
                         case_name);
