#include "tools/actor_inspector/actor_tree.hpp"

#include "net/format/human_units.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace hive::inspector {

namespace {

std::string text_of(simdjson::dom::element item, const char* key) {
  std::string_view value;
  return item[key].get(value) == simdjson::SUCCESS ? std::string{value} : std::string{};
}

std::optional<std::uint64_t> figure_of(simdjson::dom::element item, const char* key) {
  std::uint64_t value = 0;
  if (item[key].get(value) != simdjson::SUCCESS)
    return std::nullopt;
  return value;
}

/// Columns of the table; the tree column is padded by display width (the
/// box-drawing characters are several bytes each).
constexpr int tree_width = 34;

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string pad(std::string text, std::size_t width) {
  auto shown = display_width(text);
  if (shown < width)
    text.append(width - shown, ' ');
  return text;
}

std::string figure_text(const std::optional<std::uint64_t>& value) {
  return value ? std::to_string(*value) : std::string{"-"};
}

std::string uptime_text(std::int64_t ms) {
  if (ms < 60'000) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1f s", static_cast<double>(ms) / 1000.0);
    return buf;
  }
  return format_duration(ms / 1000);
}

std::string label_of(const actor_row& a) {
  return a.name.empty() || a.name == a.kind ? a.kind : a.kind + " (" + a.name + ")";
}

class tree_printer {
public:
  tree_printer(const std::vector<actor_row>& now, const snapshot_diff& diff) {
    for (const auto& a : now)
      rows_[a.id] = {&a, false};
    for (const auto& a : diff.gone)
      rows_[a.id] = {&a, true};
    appeared_.insert(diff.appeared.begin(), diff.appeared.end());
    for (const auto& [id, row] : rows_) {
      auto parent = row.actor->parent;
      bool root = parent == 0 || parent == id || !rows_.contains(parent);
      (root ? roots_ : children_[parent]).push_back(id);
    }
  }

  std::string print() {
    char header[160];
    std::snprintf(header, sizeof(header), "  %-6s %s %-13s %9s %8s %5s %11s  %s\n", "ID",
                  pad("ACTOR", tree_width).c_str(), "STATE", "UPTIME", "MSGS", "MBOX", "RATE",
                  "JOB");
    out_ = header;
    for (auto id : roots_)
      print_row(id, "", "");
    return out_;
  }

private:
  struct row {
    const actor_row* actor;
    bool gone;
  };

  void print_row(std::uint64_t id, const std::string& branch, const std::string& indent) {
    const auto& [a, gone] = rows_.at(id);
    char marker = gone ? '-' : appeared_.contains(id) ? '+' : ' ';
    auto rate = a->bytes_per_sec ? format_bytes(*a->bytes_per_sec) + "/s" : std::string{"-"};
    char line[512];
    int n = std::snprintf(line, sizeof(line), "%c %-6llu %s %-13s %9s %8s %5s %11s  %s", marker,
                          static_cast<unsigned long long>(id),
                          pad(branch + label_of(*a), tree_width).c_str(),
                          gone ? "gone" : a->state.c_str(), uptime_text(a->uptime_ms).c_str(),
                          figure_text(a->messages).c_str(), figure_text(a->mailbox).c_str(),
                          rate.c_str(), a->job_id.c_str());
    std::string_view text{line, static_cast<std::size_t>(std::clamp<int>(n, 0, sizeof(line) - 1))};
    out_ += text.substr(0, text.find_last_not_of(' ') + 1); // no blanks after a node-wide actor
    out_ += '\n';
    const auto& kids = children_[id];
    for (std::size_t i = 0; i < kids.size(); ++i) {
      bool last = i + 1 == kids.size();
      print_row(kids[i], indent + (last ? "└─ " : "├─ "), indent + (last ? "   " : "│  "));
    }
  }

  /// Every actor drawn, by id (CAF ids grow with spawn order).
  std::map<std::uint64_t, row> rows_;
  std::map<std::uint64_t, std::vector<std::uint64_t>> children_;
  std::vector<std::uint64_t> roots_;
  std::set<std::uint64_t> appeared_;
  std::string out_;
};

} // namespace

std::optional<std::vector<actor_row>> parse_snapshot(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::array items;
  if (parser.parse(json.data(), json.size())["actors"].get(items) != simdjson::SUCCESS)
    return std::nullopt;
  std::vector<actor_row> rows;
  for (auto item : items) {
    actor_row a;
    a.hive_id = text_of(item, "hive_id");
    a.id = figure_of(item, "id").value_or(0);
    a.parent = figure_of(item, "parent").value_or(0);
    a.name = text_of(item, "name");
    a.kind = text_of(item, "kind");
    a.job_id = text_of(item, "job_id");
    a.state = text_of(item, "state");
    if (item["uptime_ms"].get(a.uptime_ms) != simdjson::SUCCESS)
      a.uptime_ms = 0;
    a.messages = figure_of(item, "messages");
    a.mailbox = figure_of(item, "mailbox");
    a.bytes_per_sec = figure_of(item, "bytes_per_sec");
    rows.push_back(std::move(a));
  }
  return rows;
}

snapshot_diff compare(const std::vector<actor_row>& before, const std::vector<actor_row>& now) {
  std::set<std::uint64_t> old_ids, new_ids;
  for (const auto& a : before)
    old_ids.insert(a.id);
  for (const auto& a : now)
    new_ids.insert(a.id);
  snapshot_diff diff;
  for (const auto& a : now)
    if (!old_ids.contains(a.id))
      diff.appeared.push_back(a.id);
  for (const auto& a : before)
    if (!new_ids.contains(a.id))
      diff.gone.push_back(a);
  return diff;
}

std::string render_tree(const std::vector<actor_row>& now, const snapshot_diff& diff) {
  return tree_printer{now, diff}.print();
}

std::vector<std::string> parse_unreachable(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::array items;
  std::vector<std::string> out;
  if (parser.parse(json.data(), json.size())["unreachable"].get(items) != simdjson::SUCCESS)
    return out;
  for (auto item : items) {
    std::string_view id;
    if (item.get(id) == simdjson::SUCCESS)
      out.emplace_back(id);
  }
  return out;
}

std::string render_cluster(const std::vector<actor_row>& now, const std::vector<actor_row>& before,
                           bool mark, const std::vector<std::string>& unreachable) {
  std::vector<std::string> hives;
  std::map<std::string, std::vector<actor_row>> rows_now, rows_before;
  for (const auto* rows : {&now, &before})
    for (const auto& a : *rows) {
      auto& by_hive = rows == &now ? rows_now : rows_before;
      if (!rows_now.contains(a.hive_id) && !rows_before.contains(a.hive_id))
        hives.push_back(a.hive_id);
      by_hive[a.hive_id].push_back(a);
    }
  std::string out;
  for (const auto& hive : hives) {
    const auto& here = rows_now[hive];
    auto diff = mark ? compare(rows_before[hive], here) : snapshot_diff{};
    if (!out.empty())
      out += '\n';
    out += "hive " + hive + "  (" + std::to_string(here.size()) + " actors)\n";
    out += render_tree(here, diff);
  }
  if (!unreachable.empty()) {
    out += "\nunreachable (down, or not answering):";
    for (const auto& hive : unreachable)
      out += " " + hive;
    out += '\n';
  }
  return out;
}

} // namespace hive::inspector
