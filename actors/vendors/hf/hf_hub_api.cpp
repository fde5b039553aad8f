#include "net/asio.hpp"

#include "actors/vendors/hf/hf_hub_api.hpp"

#include "actors/vendors/hf/hf_hub_json.hpp"
#include "actors/vendors/hf/hub_refusals.hpp"
#include "messages/errc.hpp"
#include "net/url.hpp"

#include <charconv>

namespace hive::hf {

namespace {

namespace asio = boost::asio;

/// A failed request: the transport's error, or the Hub's refusal.
caf::error refusal(const net::http_answer& answer, const std::string& what) {
  return net::to_error(net::refusal_error(answer, what, explain_hub_refusal));
}

std::optional<net::url> parse(const std::string& text) {
  return net::parse_url(text);
}

std::string api_url(const hub_client& hub, const std::string& repo, const std::string& what,
                    const std::string& revision) {
  return hub.endpoint + "/api/models/" + repo + "/" + what + "/"
         + net::percent_encode(revision, false);
}

std::uint64_t to_number(std::string_view text) {
  std::uint64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

} // namespace

std::string resolve_url(const std::string& endpoint, const std::string& repo,
                        const std::string& revision, const std::string& path) {
  return endpoint + "/" + repo + "/resolve/" + net::percent_encode(revision, false) + "/"
         + net::percent_encode(path, true);
}

std::string normalize_etag(std::string_view etag) {
  if (etag.starts_with("W/"))
    etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    etag = etag.substr(1, etag.size() - 2);
  return std::string{etag};
}

asio::awaitable<caf::expected<revision_info>> get_revision(const hub_client& hub, std::string repo,
                                                           std::string revision) {
  auto target = api_url(hub, repo, "revision", revision);
  auto u = parse(target);
  if (!u)
    co_return make_error(download_errc::internal, "invalid Hub URL " + target);
  auto answer = co_await net::request("GET", *u, {}, hub.options);
  if (answer.status != 200)
    co_return refusal(answer, target);
  co_return parse_revision(answer.body, target);
}

asio::awaitable<caf::expected<std::vector<tree_file>>>
list_tree(const hub_client& hub, std::string repo, std::string commit) {
  auto first = parse(api_url(hub, repo, "tree", commit) + "?recursive=true");
  if (!first)
    co_return make_error(download_errc::internal, "invalid Hub URL for " + repo);
  std::vector<tree_file> files;
  // A listing that never ends (a mirror repeating its last page) fails
  // instead of growing without bound.
  constexpr int max_pages = 10'000;
  for (auto [page, pages] = std::pair{*first, 1};; ++pages) {
    if (pages > max_pages)
      co_return not_a_hub(first->str(), "sent more than 10000 pages");
    auto answer = co_await net::request("GET", page, {}, hub.options);
    if (answer.status != 200)
      co_return refusal(answer, page.str());
    if (auto err = add_tree_page(answer.body, page.str(), files))
      co_return err;
    auto link = next_link(answer.header("link"));
    if (link.empty())
      co_return files;
    auto next = net::resolve_location(page, link);
    // The token goes with every page: only to the Hub itself.
    if (!next || next->authority() != first->authority() || next->scheme != first->scheme)
      co_return not_a_hub(page.str(), "sent a next page on another host: " + link);
    page = std::move(*next);
  }
}

asio::awaitable<caf::expected<file_head>> head_file(const hub_client& hub, std::string repo,
                                                    std::string revision, std::string path) {
  auto target = resolve_url(hub.endpoint, repo, revision, path);
  auto u = parse(target);
  if (!u)
    co_return make_error(download_errc::internal, "invalid Hub URL " + target);
  for (int hop = 0;; ++hop) {
    auto answer = co_await net::request("HEAD", *u, {}, hub.options);
    auto location = answer.header("location");
    bool redirect = answer.status >= 300 && answer.status < 400;
    // Relative redirects stay on the Hub (a renamed repository); an absolute
    // one points at the CDN, and its answer carries the metadata.
    if (redirect && location.starts_with("/") && !location.starts_with("//")) {
      if (hop >= 10)
        co_return make_error(download_errc::too_many_redirects,
                             "more than 10 redirects from " + target);
      u = net::resolve_location(*u, location);
      if (!u)
        co_return not_a_hub(target, "redirected to an invalid location " + location);
      continue;
    }
    if (answer.status >= 400 || answer.status == 0)
      co_return refusal(answer, u->str());
    file_head head;
    head.commit = answer.header("x-repo-commit");
    auto etag = answer.header("x-linked-etag");
    head.etag = normalize_etag(etag.empty() ? answer.header("etag") : etag);
    auto size = answer.header("x-linked-size");
    head.size = to_number(size.empty() ? answer.header("content-length") : size);
    head.location = redirect ? location : u->str();
    if (head.commit.empty() || head.etag.empty())
      co_return not_a_hub(u->str(), "did not give the file's commit and ETag");
    if (redirect) {
      auto absolute = net::resolve_location(*u, location);
      if (!absolute)
        co_return not_a_hub(u->str(), "redirected to an invalid location " + location);
      head.location = absolute->str();
    }
    co_return head;
  }
}

} // namespace hive::hf
