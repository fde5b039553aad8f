// actor-inspector: provisiond's supervision tree, once or live like `top`.

#include "net/http_client.hpp"
#include "net/host/token_file.hpp"
#include "tools/actor_inspector/actor_tree.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace hive::inspector;

enum exit_code : int { done = 0, failed = 1, usage_error = 2 };

const char* usage =
    "usage: actor-inspector [--server URL] [--token-file FILE] [--cluster]\n"
    "                       [--json | --watch [--interval SECS] [--iterations N]]\n\n"
    "Shows provisiond's actors as a tree: router, job supervisors and their vendor,\n"
    "tracker and narration actors, each with its state, uptime, messages handled,\n"
    "mailbox length and (for vendors) transfer rate.\n\n"
    "  --cluster         every hive's tree under its hive, gathered by the server\n"
    "                    through its cluster links (GET /v1/actors?cluster=1)\n"
    "  --json            print one snapshot as JSON (GET /v1/actors) and exit\n"
    "  --watch           redraw the tree every interval, like top (Ctrl-C quits); actors\n"
    "                    that appeared since the last frame are marked +, gone ones -\n"
    "  --interval SECS   seconds between frames (default 1)\n"
    "  --iterations N    stop after N frames (default: until interrupted)\n\n"
    "--server defaults to $PROVISION_SERVER or http://127.0.0.1:7835.\n"
    "--token-file FILE holds the API token of a server started with --api-token-file\n"
    "(default $PROVISION_TOKEN).\n"
    "Exit codes: 0 done, 1 the server answered with an error, 2 usage or connection error.\n";

struct options {
  std::string server;
  /// The API token, "" when the server needs none.
  std::string token;
  bool json = false;
  bool watch = false;
  /// Every hive's actors, not only the server's.
  bool cluster = false;
  double interval_secs = 1.0;
  long iterations = 0; // 0: until interrupted
};

/// A snapshot, or why there is none and the exit code that says so.
struct fetched {
  std::optional<std::vector<actor_row>> actors;
  std::string body;
  std::string error;
  int code = done;
  /// With --cluster: the hives whose actors are missing.
  std::vector<std::string> unreachable = {};
};

fetched fetch(const options& opts) {
  auto path = opts.cluster ? "/v1/actors?cluster=1" : "/v1/actors";
  auto reply =
      hive::net::http_call("GET", opts.server + path, {}, std::chrono::seconds{5}, opts.token);
  if (reply.status == 0)
    return {std::nullopt, {}, reply.error, usage_error};
  if (reply.status != 200)
    return {std::nullopt,
            {},
            "server answered " + std::to_string(reply.status) + ": " + reply.body,
            failed};
  auto actors = parse_snapshot(reply.body);
  if (!actors)
    return {std::nullopt, {}, "not an actor list: " + reply.body.substr(0, 200), failed};
  auto unreachable = parse_unreachable(reply.body);
  return {std::move(actors), std::move(reply.body), {}, done, std::move(unreachable)};
}

int report(const fetched& f) {
  std::fprintf(stderr, "actor-inspector: %s\n", f.error.c_str());
  return f.code;
}

std::string clock_text() {
  auto now = std::time(nullptr);
  char buf[16];
  std::tm local{};
  localtime_r(&now, &local);
  std::strftime(buf, sizeof(buf), "%H:%M:%S", &local);
  return buf;
}

int watch(const options& opts) {
  auto first = fetch(opts);
  if (!first.actors) // nothing to watch: say so as the one-shot modes do
    return report(first);
  bool tty = ::isatty(STDOUT_FILENO) != 0;
  std::vector<actor_row> before;
  auto current = std::move(first);
  for (long frame = 1;; ++frame) {
    std::string text = tty ? "\033[H\033[2J" : (frame > 1 ? "\n" : "");
    text += "provisiond " + opts.server + "  ";
    if (current.actors && !current.actors->empty() && !current.actors->front().hive_id.empty())
      text += "hive " + current.actors->front().hive_id + "  ";
    text += clock_text() + "  ";
    if (current.actors) {
      // The first frame marks nothing: everything would be new.
      text += std::to_string(current.actors->size()) + " actors";
      if (opts.cluster) { // ids are unique within a hive: marked hive by hive
        text += "\n\n" + render_cluster(*current.actors, before, frame > 1, current.unreachable);
      } else {
        auto diff = frame == 1 ? snapshot_diff{} : compare(before, *current.actors);
        text += " (+" + std::to_string(diff.appeared.size()) + " -"
                + std::to_string(diff.gone.size()) + ")\n\n" + render_tree(*current.actors, diff);
      }
      before = std::move(*current.actors);
    } else { // keep watching: the daemon may come back
      text += "\n\n" + current.error + "\n";
    }
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
    if (opts.iterations > 0 && frame >= opts.iterations)
      return done;
    std::this_thread::sleep_for(std::chrono::duration<double>{opts.interval_secs});
    current = fetch(opts);
  }
}

int once(const options& opts) {
  auto f = fetch(opts);
  if (!f.actors)
    return report(f);
  if (opts.json) {
    std::printf("%s\n", f.body.c_str());
    return done;
  }
  auto text = opts.cluster ? render_cluster(*f.actors, {}, false, f.unreachable)
                           : render_tree(*f.actors, {});
  std::fputs(text.c_str(), stdout);
  return done;
}

/// Parses a number in (0, `max`] (whole when `whole`), or returns nullopt.
std::optional<double> positive(const std::string& text, double max, bool whole) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(value > 0) || !(value <= max)
      || (whole && value != std::floor(value)))
    return std::nullopt;
  return value;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args{argv + 1, argv + argc};
  options opts;
  std::string token_file;
  opts.server =
      std::getenv("PROVISION_SERVER") ? std::getenv("PROVISION_SERVER") : "http://127.0.0.1:7835";
  for (std::size_t i = 0; i < args.size(); ++i) {
    bool has_value = i + 1 < args.size();
    const auto& arg = args[i];
    if (arg == "--server" && has_value) {
      opts.server = args[++i];
    } else if (arg == "--token-file" && has_value) {
      token_file = args[++i];
    } else if ((arg == "--interval" || arg == "--iterations") && has_value) {
      bool interval = arg == "--interval";
      auto value = positive(args[++i], interval ? 3600 : 1e9, !interval);
      if (!value) {
        std::fprintf(stderr, "actor-inspector: %s needs a positive %s, not '%s'\n", arg.c_str(),
                     interval ? "number of seconds up to 3600" : "whole number", args[i].c_str());
        return usage_error;
      }
      if (interval)
        opts.interval_secs = *value;
      else
        opts.iterations = static_cast<long>(*value);
    } else if (arg == "--cluster") {
      opts.cluster = true;
    } else if (arg == "--json") {
      opts.json = true;
    } else if (arg == "--watch") {
      opts.watch = true;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(usage, stdout);
      return done;
    } else {
      std::fprintf(stderr, "actor-inspector: unknown argument %s\n\n%s", arg.c_str(), usage);
      return usage_error;
    }
  }
  if (opts.json && opts.watch) {
    std::fprintf(stderr, "actor-inspector: --json and --watch exclude each other\n\n%s", usage);
    return usage_error;
  }
  while (!opts.server.empty() && opts.server.back() == '/')
    opts.server.pop_back();
  try {
    opts.token = hive::net::client_token(token_file);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "actor-inspector: %s\n", e.what());
    return usage_error;
  }
  return opts.watch ? watch(opts) : once(opts);
}
