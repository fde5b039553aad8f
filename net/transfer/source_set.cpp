#include "net/transfer/source_set.hpp"

namespace hive::net {

source_set::source_set(const std::vector<blob_source>& mirrors) : mirrors_(mirrors.size()) {
  sources_.reserve(mirrors.size() + 1);
  for (const auto& m : mirrors)
    sources_.push_back({m.name, parse_url(m.url), m.bearer_token});
  sources_.push_back({"origin", std::nullopt, {}});
}

std::size_t source_set::pick() const {
  auto best = mirrors_;
  for (std::size_t i = 0; i < mirrors_; ++i)
    if (!sources_[i].dropped
        && (best == mirrors_ || sources_[i].connections < sources_[best].connections))
      best = i;
  return best;
}

bool source_set::dropped(std::size_t source) const {
  return sources_.at(source).dropped;
}

bool source_set::drop(std::size_t source) {
  if (is_origin(source) || sources_.at(source).dropped)
    return false;
  sources_[source].dropped = true;
  return true;
}

const std::optional<url>& source_set::target(std::size_t source) const {
  return sources_.at(source).target;
}

const std::string& source_set::token(std::size_t source) const {
  return sources_.at(source).token;
}

const std::string& source_set::name(std::size_t source) const {
  return sources_.at(source).name;
}

void source_set::connect(std::size_t source) {
  ++sources_.at(source).connections;
}

void source_set::disconnect(std::size_t source) {
  --sources_.at(source).connections;
}

unsigned source_set::connections(std::size_t source) const {
  return sources_.at(source).connections;
}

void source_set::add_bytes(std::size_t source, std::uint64_t bytes) {
  sources_.at(source).bytes += bytes;
}

std::vector<source_bytes> source_set::tally() const {
  std::vector<source_bytes> out;
  for (const auto& s : sources_)
    if (s.bytes > 0)
      out.push_back({s.name, s.bytes});
  return out;
}

void source_set::forget_bytes() {
  for (auto& s : sources_)
    s.bytes = 0;
}

} // namespace hive::net
