#include "net/asio.hpp"

#include "net/api/jobs_api.hpp"

#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "net/api/actor_json.hpp"
#include "net/api/cluster_json.hpp"
#include "net/api/error_json.hpp"
#include "net/api/event_text.hpp"
#include "net/api/job_board.hpp"
#include "net/api/job_json.hpp"
#include "net/api/model_json.hpp"
#include "net/api/operation.hpp"
#include "net/caf_ask.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <charconv>
#include <optional>

namespace hive::net {

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr auto query_timeout = std::chrono::milliseconds{10s};

/// Seconds a client refused with `too_many_jobs` is asked to wait: about
/// what a slot takes to free up on a busy node.
constexpr std::string_view retry_after_secs = "30";

/// History goes to a stream in slices of about this many bytes: a reader far
/// behind costs one slice of memory, never a copy of the whole journal.
constexpr std::size_t stream_slice_bytes = 64 * 1024;

asio::awaitable<void> reply_error(http_exchange& ex, const caf::error& err) {
  auto view = describe(err);
  auto body = error_json(view.code, view.message, view.job_id);
  if (view.code == code_of(api_errc::too_many_jobs)) {
    const http_header retry_after[] = {{"Retry-After", retry_after_secs}};
    co_return co_await ex.reply(view.http_status, std::move(body), "application/json",
                                retry_after);
  }
  co_await ex.reply(view.http_status, std::move(body));
}

asio::awaitable<void> reply_error(http_exchange& ex, api_errc code, std::string_view message) {
  co_await ex.reply(http_status_of(code), error_json(code_of(code), message));
}

std::uint64_t parse_event_id(std::string_view text) {
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  return ec == std::errc{} && end == text.data() + text.size() ? id : 0;
}

std::string sse_frame(const journal_event& e) {
  std::string out;
  out.reserve(e.data.size() + e.name.size() + 32);
  out += "id: ";
  out += std::to_string(e.id);
  out += "\nevent: ";
  out += e.name;
  out += "\ndata: ";
  out += e.data;
  out += "\n\n";
  return out;
}

/// The value of the query parameter `name`, none when it is absent; an
/// error when the query string cannot be read.
caf::expected<std::optional<std::string>> query_param(std::string_view query,
                                                      std::string_view name) {
  auto parsed = boost::urls::parse_query(query);
  if (!parsed)
    return make_error(api_errc::invalid_field, "the query string is not valid, so its "
                                                   + std::string{name} + " cannot be read");
  boost::urls::params_view params = *parsed;
  auto found = params.find(name);
  if (found == params.end())
    return std::optional<std::string>{};
  return std::optional<std::string>{(*found).value};
}

/// `invalid_field`: the query parameter `name` must be `allowed`, not `value`
/// (cut: the query may be up to the header limit long).
caf::error bad_query_value(std::string_view name, std::string_view allowed,
                           std::string_view value) {
  constexpr std::size_t shown = 64;
  return make_error(api_errc::invalid_field, std::string{name} + " must be " + std::string{allowed}
                                                 + ", not '" + std::string{value.substr(0, shown)}
                                                 + (value.size() > shown ? "…'" : "'"));
}

/// What a job stream's `format` query parameter asks for: SSE events with
/// JSON (absent), or rbee's line-oriented text (`text`).
enum class stream_format { events, text };

caf::expected<stream_format> stream_format_of(std::string_view query) {
  auto format = query_param(query, "format");
  if (!format)
    return std::move(format.error());
  if (!*format)
    return stream_format::events;
  if (**format == "text")
    return stream_format::text;
  return bad_query_value("format", "text (or absent, for events with JSON)", **format);
}

/// Whether `GET /v1/actors` lists every hive's actors (`cluster=1`) or, with
/// no `cluster` parameter, this hive's.
caf::expected<bool> cluster_wide(std::string_view query) {
  auto cluster = query_param(query, "cluster");
  if (!cluster)
    return std::move(cluster.error());
  if (*cluster && **cluster != "1")
    return bad_query_value("cluster", "1 (or absent, for this hive's actors)", **cluster);
  return cluster->has_value();
}

/// Splits `/v1/jobs/abc/stream` into {"v1", "jobs", "abc", "stream"}.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto end = path.find('/');
    out.push_back(path.substr(0, end));
    path.remove_prefix(end == std::string_view::npos ? path.size() : end);
  }
  return out;
}

class jobs_api {
public:
  explicit jobs_api(jobs_api_context ctx) : ctx_(std::move(ctx)) {
  }

  asio::awaitable<void> operator()(http_exchange& ex) const {
    const auto& req = ex.request();
    auto parts = segments(req.path);
    auto is = [&](std::initializer_list<std::string_view> want) {
      return parts.size() == want.size() && std::equal(want.begin(), want.end(), parts.begin());
    };
    auto method_is = [&](std::string_view m) { return req.method == m; };
    if (is({"health"}))
      co_return co_await ex.reply(200, R"({"status":"ok"})");
    if (parts.size() < 2 || parts[0] != "v1")
      co_return co_await reply_error(ex, api_errc::not_found, "no route for " + req.path);
    if (is({"v1", "jobs"})) {
      if (method_is("POST"))
        co_return co_await create_job(ex);
      if (method_is("GET"))
        co_return co_await list_jobs(ex);
      co_return co_await wrong_method(ex);
    }
    if (parts.size() >= 3 && parts[1] == "jobs") {
      auto job_id = std::string{parts[2]};
      if (parts.size() == 3 && method_is("GET"))
        co_return co_await get_job(ex, job_id);
      if (parts.size() == 3 && method_is("DELETE"))
        co_return co_await cancel_job(ex, job_id);
      if (parts.size() == 3 && method_is("PATCH"))
        co_return co_await change_job(ex, job_id);
      if (is({"v1", "jobs", parts[2], "cancel"}) && method_is("POST"))
        co_return co_await cancel_job(ex, job_id);
      if (is({"v1", "jobs", parts[2], "stream"}) && method_is("GET"))
        co_return co_await stream_job(ex, job_id);
      if (parts.size() == 3
          || (parts.size() == 4 && (parts[3] == "cancel" || parts[3] == "stream")))
        co_return co_await wrong_method(ex);
    }
    if (is({"v1", "models"}) && method_is("GET"))
      co_return co_await relay<std::vector<model_record>>(ex, models_json, ctx_.catalog,
                                                          list_atom_v);
    if (parts.size() == 3 && parts[1] == "models") {
      auto id = std::string{parts[2]};
      if (method_is("GET"))
        co_return co_await relay<model_record>(ex, model_json, ctx_.catalog, caf::get_atom_v, id);
      if (method_is("DELETE")) // the router knows which models its jobs use
        co_return co_await relay<std::string>(ex, model_deleted_json, ctx_.router,
                                              caf::delete_atom_v, id);
      co_return co_await wrong_method(ex);
    }
    if (parts[1] == "blobs")
      co_return co_await serve_blob(ex, ctx_.blobs, parts);
    if (is({"v1", "actors"}) && method_is("GET"))
      co_return co_await list_actors(ex);
    if (is({"v1", "cluster"}) && method_is("GET"))
      co_return co_await relay<std::vector<hive_status>>(
          ex, [this](const auto& hives) { return cluster_json(ctx_.hive_id, hives); }, ctx_.cluster,
          list_atom_v);
    if (is({"v1", "models"}) || is({"v1", "actors"}) || is({"v1", "cluster"}))
      co_return co_await wrong_method(ex);
    co_await reply_error(ex, api_errc::not_found, "no route for " + req.path);
  }

private:
  static asio::awaitable<void> wrong_method(http_exchange& ex) {
    co_await reply_error(ex, api_errc::method_not_allowed,
                         "method " + ex.request().method + " is not allowed on "
                             + ex.request().path);
  }

  /// Asks an actor and answers with what `render` makes of its answer.
  template <class Answer, class Render, class... Ts>
  asio::awaitable<void> relay(http_exchange& ex, Render render, caf::actor dest, Ts... xs) const {
    auto answer = co_await ask<Answer>(*ctx_.system, dest, query_timeout, xs...);
    if (!answer)
      co_return co_await reply_error(ex, answer.error());
    co_await ex.reply(200, render(*answer));
  }

  /// This hive's actors from its registry, or every hive's through the
  /// cluster actor, which gathers them.
  asio::awaitable<void> list_actors(http_exchange& ex) const {
    auto cluster = cluster_wide(ex.request().query);
    if (!cluster)
      co_return co_await reply_error(ex, cluster.error());
    if (*cluster)
      co_return co_await relay<cluster_actor_rows>(ex, cluster_actors_json, ctx_.cluster,
                                                   list_atom_v, actors_atom_v);
    co_await relay<std::vector<actor_row>>(ex, actors_json, ctx_.registry, list_atom_v);
  }

  asio::awaitable<void> create_job(http_exchange& ex) const {
    auto op = parse_operation(ex.request().body);
    if (!op)
      co_return co_await reply_error(ex, op.error());
    caf::expected<std::string> job_id = std::string{};
    if (op->op == operation::kind::model_download)
      job_id = co_await ask<std::string>(*ctx_.system, ctx_.router, query_timeout, op->download);
    else
      job_id = co_await ask<std::string>(*ctx_.system, ctx_.router, query_timeout, model_op_atom_v,
                                         op->name, op->model_id, op->hive_id);
    if (!job_id)
      co_return co_await reply_error(ex, job_id.error());
    co_await ex.reply(201, job_created_json(*job_id));
  }

  asio::awaitable<void> list_jobs(http_exchange& ex) const {
    std::vector<job_summary> jobs;
    for (const auto& journal : ctx_.board->list())
      jobs.push_back(journal->summary());
    co_await ex.reply(200, jobs_json(jobs));
  }

  asio::awaitable<void> get_job(http_exchange& ex, const std::string& job_id) const {
    auto journal = ctx_.board->find(job_id);
    if (!journal)
      co_return co_await reply_error(ex, api_errc::not_found, "no job " + job_id);
    co_await ex.reply(200, job_json(journal->summary()));
  }

  asio::awaitable<void> cancel_job(http_exchange& ex, const std::string& job_id) const {
    auto journal = ctx_.board->find(job_id);
    if (!journal)
      co_return co_await reply_error(ex, api_errc::not_found, "no job " + job_id);
    if (journal->finished())
      co_return co_await ex.reply(409, job_status_json(job_id, journal->summary().state));
    auto state = co_await ask<job_phase>(*ctx_.system, ctx_.router, ctx_.cancel_timeout,
                                         cancel_atom_v, job_id);
    if (!state)
      co_return co_await reply_error(ex, state.error());
    co_await ex.reply(*state == job_phase::cancelled ? 200 : 409, job_status_json(job_id, *state));
  }

  /// `{"max_rate": RATE}`: the job's transfers share its cap object, so the
  /// router's change applies to their next reads.
  asio::awaitable<void> change_job(http_exchange& ex, const std::string& job_id) const {
    auto journal = ctx_.board->find(job_id);
    if (!journal)
      co_return co_await reply_error(ex, api_errc::not_found, "no job " + job_id);
    auto rate = parse_job_patch(ex.request().body);
    if (!rate)
      co_return co_await reply_error(ex, rate.error());
    if (journal->finished())
      co_return co_await reply_error(ex, api_errc::job_finished, "job " + job_id + " has ended");
    auto binding = co_await ask<std::uint64_t>(*ctx_.system, ctx_.router, query_timeout,
                                               max_rate_atom_v, job_id, *rate);
    if (!binding)
      co_return co_await reply_error(ex, binding.error());
    co_await ex.reply(200, job_rate_json(job_id, *rate, *binding));
  }

  asio::awaitable<void> stream_job(http_exchange& ex, const std::string& job_id) const {
    auto format = stream_format_of(ex.request().query);
    if (!format)
      co_return co_await reply_error(ex, format.error());
    auto journal = ctx_.board->find(job_id);
    if (!journal)
      co_return co_await reply_error(ex, api_errc::not_found, "no job " + job_id);
    // The waker lives on this connection's strand: the journal's watcher
    // posts to it, so `pending` needs no lock. `pending` catches wake-ups
    // that arrive while we are busy writing rather than waiting.
    struct waker {
      explicit waker(const asio::any_io_executor& ex) : timer(ex) {
      }
      asio::steady_timer timer;
      bool pending = false;
    };
    auto executor = co_await asio::this_coro::executor;
    auto wake = std::make_shared<waker>(executor);
    std::weak_ptr<waker> weak = wake;
    auto token = journal->watch([executor, weak] {
      asio::post(executor, [weak] {
        if (auto w = weak.lock()) {
          w->pending = true;
          w->timer.cancel();
        }
      });
    });
    struct unwatch_guard {
      job_journal& j;
      std::uint64_t token;
      ~unwatch_guard() {
        j.unwatch(token);
      }
    } guard{*journal, token};
    if (!co_await ex.begin_stream("text/event-stream"))
      co_return;
    // Text has no ids to resume after: it always starts from the job's history.
    std::optional<event_text> text;
    if (*format == stream_format::text)
      text.emplace();
    auto cursor = text ? 0 : parse_event_id(ex.request().last_event_id);
    using clock = std::chrono::steady_clock;
    auto quiet_since = clock::now();
    for (;;) {
      wake->pending = false;
      auto batch = journal->read_after(cursor, stream_slice_bytes);
      auto now = clock::now();
      std::string frames;
      for (const auto& e : batch.events) {
        frames += text ? text->frames(e, now) : sse_frame(e);
        cursor = e.id;
      }
      if (text)
        frames += text->due_frames(now);
      if (!frames.empty()) {
        if (!co_await ex.stream_chunk(std::move(frames)))
          co_return;
        quiet_since = now;
      }
      if (batch.ended)
        co_return co_await ex.end_stream();
      if (wake->pending || batch.more)
        continue;
      auto keepalive_at = quiet_since + ctx_.keepalive_interval;
      auto progress_at = text ? text->due() : std::nullopt;
      wake->timer.expires_at(progress_at ? std::min(keepalive_at, *progress_at) : keepalive_at);
      auto [ec] = co_await wake->timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec || clock::now() < keepalive_at)
        continue; // woken by the journal, or a held progress line is due
      std::string keepalive{text ? event_text::keepalive : ": keep-alive\n\n"};
      if (!co_await ex.stream_chunk(std::move(keepalive)))
        co_return;
      quiet_since = clock::now();
    }
  }

  jobs_api_context ctx_;
};

} // namespace

http_handler make_jobs_api(jobs_api_context ctx) {
  auto api = std::make_shared<jobs_api>(std::move(ctx));
  return [api](http_exchange& ex) { return (*api)(ex); };
}

} // namespace hive::net
