// provision: command-line client of provisiond's jobs API.

#include "net/format/byte_size.hpp"
#include "net/format/human_units.hpp"
#include "net/format/json_writer.hpp"
#include "net/host/token_file.hpp"
#include "net/http_client.hpp"
#include "tools/provision/progress_view.hpp"

#include <simdjson.h>

#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <tuple>
#include <unistd.h>
#include <vector>

namespace {

/// The API token (`--token-file` or `$PROVISION_TOKEN`), set by main before any request.
std::string api_token;

hive::net::http_reply http_call(const std::string& method, const std::string& url,
                                const std::string& body = {}) {
  return hive::net::http_call(method, url, body, std::chrono::seconds{30}, api_token);
}

enum exit_code : int { done = 0, failed = 1, usage_error = 2, cancelled = 130 };

const char* usage =
    "usage: provision [--server URL] [--token-file FILE] <command> [args]\n\n"
    "commands:\n"
    "  download <model> [--sha256 HEX] [--include GLOB]... [--exclude GLOB]...\n"
    "           [--max-rate RATE]       start a download and follow it live (Ctrl-C cancels it);\n"
    "                                   RATE caps its bytes per second, e.g. 100M or 1.5G\n"
    "  jobs                             list jobs with their state\n"
    "  cancel <job_id>                  cancel a job\n"
    "  models                           list the models in the catalog\n"
    "  rm <model_id>                    delete a model from the catalog\n"
    "  cluster                          list the hives of the server's cluster: state, API,\n"
    "                                   running jobs and models\n\n"
    "models: url:<http(s) URL>, hf:org/name[@rev]:<file> (or org/name:<file>),\n"
    "        hf:org/name[@rev]:<TAG> (the GGUF with that quantisation, e.g. Q4_K_M),\n"
    "        hf:org/name[@rev] (the whole repository; --include/--exclude filter it).\n"
    "--server defaults to $PROVISION_SERVER or http://127.0.0.1:7835.\n"
    "--token-file FILE holds the API token of a server started with --api-token-file\n"
    "(default $PROVISION_TOKEN).\n"
    "Exit codes: 0 done, 1 failed, 2 usage or connection error, 130 cancelled.\n";

std::string json_string(const simdjson::dom::element& e, const char* key) {
  std::string_view text;
  if (e[key].get(text) != simdjson::SUCCESS)
    return {};
  return std::string{text};
}

std::uint64_t json_uint(const simdjson::dom::element& e, const char* key) {
  std::uint64_t n = 0;
  return e[key].get(n) == simdjson::SUCCESS ? n : 0;
}

/// Prints the API's error (or the transport error) and returns exit code 2 or 1.
int report_failure(const hive::net::http_reply& reply) {
  if (reply.status == 0) {
    std::fprintf(stderr, "provision: %s\n", reply.error.c_str());
    return usage_error;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(reply.body).get(doc) == simdjson::SUCCESS) {
    auto code = json_string(doc["error"].value_unsafe(), "code");
    auto message = json_string(doc["error"].value_unsafe(), "message");
    if (!code.empty()) {
      std::fprintf(stderr, "provision: %s: %s\n", code.c_str(), message.c_str());
      return failed;
    }
  }
  std::fprintf(stderr, "provision: server answered %u: %s\n", reply.status, reply.body.c_str());
  return failed;
}

// -- Ctrl-C: the handler only writes to a pipe; a thread sends the cancel ---

int interrupt_pipe[2] = {-1, -1};

void on_interrupt(int) {
  char byte = 'c';
  [[maybe_unused]] auto n = ::write(interrupt_pipe[1], &byte, 1);
}

int follow(const std::string& server, const std::string& job_id) {
  hive::cli::progress_view view;
  int result = failed;
  bool ended = false;
  auto error = hive::net::read_sse(
      server + "/v1/jobs/" + job_id + "/stream",
      [&](const hive::net::sse_event& ev) {
        simdjson::dom::parser parser;
        simdjson::dom::element doc;
        if (ev.name == "progress") {
          view.progress(ev.data);
        } else if (ev.name == "narration" && parser.parse(ev.data).get(doc) == simdjson::SUCCESS) {
          view.line(json_string(doc, "human"));
        } else if (ev.name == "end") {
          view.close();
          ended = true;
          if (ev.data == "[DONE]") {
            result = done;
          } else if (ev.data == "[CANCELLED]") {
            result = cancelled;
            std::fprintf(stderr, "cancelled\n");
          } else {
            std::fprintf(stderr, "%s\n", ev.data.c_str());
          }
          return false;
        }
        return true;
      },
      {}, std::chrono::seconds{60}, api_token);
  if (!ended) {
    view.close();
    std::fprintf(stderr, "provision: %s\n",
                 error.empty() ? "stream ended without a result" : error.c_str());
  }
  return result;
}

struct download_options {
  std::string sha256;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  /// The job's cap in bytes per second; 0 for none.
  std::uint64_t max_rate = 0;
};

int download(const std::string& server, const std::string& model, const download_options& opts) {
  auto body = hive::json_object{}.field("operation", "model_download").field("model", model);
  if (!opts.sha256.empty())
    body.field("sha256", opts.sha256);
  if (opts.max_rate != 0)
    body.field("max_rate", opts.max_rate);
  for (auto [key, patterns] : {std::pair{"include", &opts.include}, {"exclude", &opts.exclude}}) {
    hive::json_array list;
    for (const auto& p : *patterns)
      list.item(p);
    if (!patterns->empty())
      body.raw(key, list.str());
  }
  auto reply = http_call("POST", server + "/v1/jobs", body.str());
  if (reply.status != 201)
    return report_failure(reply);
  simdjson::dom::parser parser;
  auto job_id = json_string(parser.parse(reply.body).value_unsafe(), "job_id");
  std::fprintf(stderr, "job %s\n", job_id.c_str());

  if (::pipe(interrupt_pipe) != 0)
    return usage_error;
  std::signal(SIGINT, on_interrupt);
  std::thread canceller{[server, job_id] {
    char byte = 0;
    if (::read(interrupt_pipe[0], &byte, 1) == 1 && byte == 'c') {
      std::fprintf(stderr, "\ncancelling %s...\n", job_id.c_str());
      http_call("POST", server + "/v1/jobs/" + job_id + "/cancel");
    }
  }};
  auto result = follow(server, job_id);
  char stop = 's';
  [[maybe_unused]] auto n = ::write(interrupt_pipe[1], &stop, 1);
  canceller.join();
  return result;
}

template <std::size_t N>
using table_row = std::array<std::string, N>;

/// GETs `url` and prints the answer's array `key` as a table, one row per element.
template <std::size_t N>
int print_table(const std::string& url, const char* key, const char* format,
                const table_row<N>& header,
                const std::function<table_row<N>(const simdjson::dom::element&)>& row_of) {
  auto reply = http_call("GET", url);
  if (reply.status != 200)
    return report_failure(reply);
  simdjson::dom::parser parser;
  simdjson::dom::array items;
  if (parser.parse(reply.body)[key].get(items) != simdjson::SUCCESS)
    return report_failure(reply);
  auto print = [format](const table_row<N>& r) {
    std::apply([format](const auto&... cells) { std::printf(format, cells.c_str()...); }, r);
  };
  print(header);
  for (auto item : items)
    print(row_of(item));
  return done;
}

int list_jobs(const std::string& server) {
  return print_table<4>(server + "/v1/jobs", "jobs", "%-44s %-10s %-22s %s\n",
                        {"JOB", "STATE", "PROGRESS", "MODEL"},
                        [](const simdjson::dom::element& job) {
                          auto bytes = json_uint(job, "bytes");
                          auto total = json_uint(job, "total");
                          auto progress = hive::format_bytes(bytes)
                                          + (total ? " / " + hive::format_bytes(total) : "");
                          return table_row<4>{json_string(job, "job_id"), json_string(job, "state"),
                                              progress, json_string(job, "model")};
                        });
}

int list_models(const std::string& server) {
  return print_table<4>(
      server + "/v1/models", "models", "%-40s %-10s %-8s %s\n", {"ID", "SIZE", "VENDOR", "SOURCE"},
      [](const simdjson::dom::element& model) {
        return table_row<4>{json_string(model, "id"),
                            hive::format_bytes(json_uint(model, "total_size")),
                            json_string(model, "vendor"), json_string(model, "source")};
      });
}

/// The hives of the server's cluster, itself first.
int list_hives(const std::string& server) {
  return print_table<5>(
      server + "/v1/cluster", "hives", "%-24s %-6s %-32s %6s %s\n",
      {"HIVE", "STATE", "API", "JOBS", "MODELS"}, [](const simdjson::dom::element& hive) {
        simdjson::dom::array models;
        auto count = hive["models"].get(models) == simdjson::SUCCESS ? models.size() : 0;
        return table_row<5>{json_string(hive, "hive_id"), json_string(hive, "state"),
                            json_string(hive, "api_url"),
                            std::to_string(json_uint(hive, "jobs_running")), std::to_string(count)};
      });
}

int simple(const std::string& method, const std::string& url, unsigned ok_status) {
  auto reply = http_call(method, url);
  if (reply.status != ok_status)
    return report_failure(reply);
  std::printf("%s\n", reply.body.c_str());
  return done;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args{argv + 1, argv + argc};
  std::string server =
      std::getenv("PROVISION_SERVER") ? std::getenv("PROVISION_SERVER") : "http://127.0.0.1:7835";
  download_options opts;
  std::string token_file;
  std::vector<std::string> words;
  for (std::size_t i = 0; i < args.size(); ++i) {
    bool has_value = i + 1 < args.size();
    if ((args[i] == "--server" || args[i] == "--sha256") && has_value) {
      (args[i] == "--server" ? server : opts.sha256) = args[i + 1];
      ++i;
    } else if (args[i] == "--max-rate" && has_value) {
      auto rate = hive::parse_byte_size(args[++i]);
      if (!rate) {
        std::fprintf(stderr,
                     "provision: --max-rate: expected bytes per second, optionally with K, M, G "
                     "or T (binary), e.g. 100M or 1.5G; got '%s'\n",
                     args[i].c_str());
        return usage_error;
      }
      opts.max_rate = *rate;
    } else if (args[i] == "--token-file" && has_value) {
      token_file = args[++i];
    } else if ((args[i] == "--include" || args[i] == "--exclude") && has_value) {
      (args[i] == "--include" ? opts.include : opts.exclude).push_back(args[i + 1]);
      ++i;
    } else if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(usage, stdout);
      return done;
    } else if (args[i].rfind("--", 0) == 0) {
      std::fprintf(stderr, "provision: unknown option %s\n\n%s", args[i].c_str(), usage);
      return usage_error;
    } else {
      words.push_back(args[i]);
    }
  }
  while (!server.empty() && server.back() == '/')
    server.pop_back();
  try {
    api_token = hive::net::client_token(token_file);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "provision: %s\n", e.what());
    return usage_error;
  }
  auto is = [&](const char* cmd, std::size_t nargs) {
    return words.size() == nargs + 1 && words[0] == cmd;
  };
  if (is("download", 1))
    return download(server, words[1], opts);
  if (is("jobs", 0))
    return list_jobs(server);
  if (is("cancel", 1))
    return simple("POST", server + "/v1/jobs/" + words[1] + "/cancel", 200);
  if (is("models", 0))
    return list_models(server);
  if (is("cluster", 0))
    return list_hives(server);
  if (is("rm", 1))
    return simple("DELETE", server + "/v1/models/" + words[1], 200);
  std::fputs(usage, stderr);
  return usage_error;
}
