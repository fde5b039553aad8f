#include "tools/provisiond/daemon_options.hpp"

#include "actors/vendors/hf/hf_cache.hpp"
#include "actors/vendors/ollama/ollama_store.hpp"
#include "messages/cluster_messages.hpp"
#include "net/host/tls_identity.hpp"
#include "tools/provisiond/option_table.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hive {

namespace po = boost::program_options;

namespace {

/// `option` as written: `--name` on the command line, `--key` for a config-file key.
std::invalid_argument unknown(const std::string& option) {
  return std::invalid_argument("unknown option " + option + " (see --help)");
}

/// The options of the command line and of `--help`. A config file is read
/// against it too: its `config` and `help` keys are then refused by `apply`.
po::options_description describe() {
  po::options_description description{"options"};
  auto add = description.add_options();
  add("config", po::value<std::string>()->value_name("FILE"),
      "read options from FILE (key = value lines)");
  for (const auto& spec : option_table())
    add(spec.key, po::value<std::string>()->value_name(spec.arg), spec.help);
  add("help,h", "show this text");
  return description;
}

void apply(daemon_options& o, const std::string& key, const std::string& value) {
  auto table = option_table();
  auto spec =
      std::find_if(table.begin(), table.end(), [&](const option_spec& s) { return key == s.key; });
  if (spec == table.end())
    throw unknown("--" + key);
  spec->apply(o, key, value);
}

/// The number of the first line of the file at `path` that reads `text`
/// once its comment and surrounding blanks are gone: where a syntax error is.
int line_number_of(const std::string& path, const std::string& text) {
  std::ifstream in{path};
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = line.substr(0, line.find('#'));
    auto first = line.find_first_not_of(" \t\r");
    auto last = line.find_last_not_of(" \t\r");
    if (first != std::string::npos && line.substr(first, last - first + 1) == text)
      return number;
  }
  return 0;
}

void apply_config_file(daemon_options& o, const std::string& path,
                       const po::options_description& description) {
  std::ifstream in{path};
  if (!in)
    throw std::invalid_argument("--config: cannot read " + path);
  try {
    auto lines = po::parse_config_file(in, description);
    for (const auto& line : lines.options)
      apply(o, line.string_key, line.value.front());
  } catch (const po::unknown_option& e) {
    throw unknown("--" + e.get_option_name());
  } catch (const po::invalid_config_file_syntax& e) {
    throw std::invalid_argument(path + ":" + std::to_string(line_number_of(path, e.tokens()))
                                + ": expected key = value");
  }
}

/// The command line's options and arguments in their order; `--name=value`
/// and `--name value` alike, no abbreviations.
po::parsed_options parse_command_line(const std::vector<std::string>& args,
                                      const po::options_description& description) {
  namespace style = po::command_line_style;
  try {
    return po::command_line_parser(args)
        .options(description)
        .style(style::allow_long | style::long_allow_adjacent | style::long_allow_next
               | style::allow_short | style::allow_dash_for_short | style::short_allow_next)
        .run();
  } catch (const po::unknown_option& e) {
    auto option = e.get_option_name();
    throw unknown(option.substr(0, option.find('=')));
  } catch (const po::invalid_command_line_syntax& e) {
    if (e.kind() == po::invalid_syntax::missing_parameter)
      throw std::invalid_argument(e.get_option_name() + " needs a value");
    throw std::invalid_argument(e.what());
  }
}

/// The rules that span options: a valid hive id (the host name's too), the
/// three TLS files together, and plain cluster links on loopback only.
void check_cluster_options(const runtime_settings& runtime) {
  const auto& id = runtime.jobs.hive_id;
  if (!is_valid_hive_id(id))
    throw std::invalid_argument("the host name '" + id
                                + "' is not a valid hive id (1 to 63 characters of A-Z a-z 0-9 "
                                  ". _ -): set --hive-id");
  const auto& c = runtime.cluster;
  int files = !c.cert.empty() + !c.key.empty() + !c.ca.empty();
  if (files != 0 && files != 3)
    throw std::invalid_argument(
        "--cluster-cert, --cluster-key and --cluster-ca go together (all three or none); missing: "
        + std::string{c.cert.empty() ? "--cluster-cert " : ""}
        + (c.key.empty() ? "--cluster-key " : "") + (c.ca.empty() ? "--cluster-ca" : ""));
  if (c.tls())
    return net::check_tls_identity(c.cert, c.key, c.ca);
  auto plain = [](const char* option, const net::host_port& at) {
    if (!net::is_loopback_host(at.host))
      throw std::invalid_argument(
          std::string{"--"} + option + " " + at.str()
          + ": without --cluster-cert, --cluster-key and --cluster-ca cluster links are plain "
            "(neither authenticated nor encrypted), so they stay on loopback (127.0.0.1, ::1, "
            "localhost)");
  };
  if (c.listen)
    plain("cluster-listen", *c.listen);
  for (const auto& peer : c.peers)
    plain("cluster-peer", peer);
}

} // namespace

std::string default_models_dir() {
  if (auto xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string{xdg} + "/rbee/models";
  auto home = std::getenv("HOME");
  return std::string{home && *home ? home : "."} + "/.cache/rbee/models";
}

daemon_options parse_daemon_options(const std::vector<std::string>& args) {
  daemon_options result;
  result.runtime.jobs.models_dir = default_models_dir();
  result.runtime.jobs.hive_id = net::machine_host_name();
  result.runtime.jobs.proxy = net::proxy_settings::from_environment();
  for (auto [name, key] : {std::pair{"HF_ENDPOINT", "hf-endpoint"},
                           {"HF_TOKEN", "hf-token"},
                           {"GITHUB_API_URL", "github-api"},
                           {"GITHUB_TOKEN", "github-token"}})
    if (const char* value = std::getenv(name); value && *value)
      apply(result, key, value);
  result.runtime.jobs.vendors.of<hf_settings>().cache = hf::cache_root_from_environment({});
  result.runtime.jobs.vendors.of<ollama_settings>().models = ollama::root_from_environment({});
  auto description = describe();
  auto given = parse_command_line(args, description).options;
  if (auto extra = po::collect_unrecognized(given, po::include_positional); !extra.empty())
    throw std::invalid_argument("unexpected argument '" + extra.front() + "' (see --help)");
  for (const auto& option : given)
    if (option.string_key == "config")
      apply_config_file(result, option.value.front(), description);
  for (const auto& option : given)
    if (option.string_key == "help")
      result.help = true;
    else if (option.string_key != "config")
      apply(result, option.string_key, option.value.front());
  if (!result.help)
    check_cluster_options(result.runtime);
  return result;
}

std::string daemon_usage() {
  std::ostringstream text;
  text << "usage: provisiond [options]\n\n"
          "The hive model provisioner: downloads models on request over an HTTP API.\n\n"
       << describe();
  return text.str();
}

} // namespace hive
