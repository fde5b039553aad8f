#include "actors/vendors/http_file_actor.hpp"

#include "actors/vendors/vendor_progress.hpp"
#include "messages/errc.hpp"
#include "messages/type_ids.hpp"
#include "net/format/human_units.hpp"
#include "net/host/part_file.hpp"
#include "net/http_fetch.hpp"
#include "net/url.hpp"

namespace hive {

namespace {

net::fetch_request make_request(const file_worker& st) {
  net::fetch_request req;
  req.url = st.task.url;
  // A token the resolver obtained for this file (a registry's) wins over the job's.
  bool own_token = !st.task.bearer_token.empty();
  req.bearer_token = own_token ? st.task.bearer_token : st.ctx.bearer_token;
  req.token_origin = own_token ? st.task.token_origin : st.ctx.token_origin;
  req.accept = st.task.accept;
  req.part_path = st.task.part_path;
  req.ca_file = st.ctx.settings.ca_file;
  req.proxy = st.ctx.settings.proxy;
  req.connect_timeout = st.ctx.settings.connect_timeout;
  req.stall_timeout = st.ctx.settings.stall_timeout;
  req.progress_interval = st.ctx.settings.progress_interval;
  req.retry_backoff = st.ctx.settings.retry_backoff;
  req.disk = st.ctx.settings.disk;
  req.connections = st.ctx.settings.connections;
  req.expected_size = st.task.size;
  // A digest names the bytes: they resume and split without the source's validator.
  req.content_sha256 = st.task.sha256;
  req.connections_per_file = st.ctx.settings.connections_per_file;
  req.max_size = st.ctx.max_size;
  req.rate_limits = st.ctx.rate_limits;
  req.mirrors = st.task.mirrors;
  return req;
}

/// Where a file's bytes came from, e.g. "1.2 GB from hive gpu-03, 0.3 GB
/// from the origin"; empty when all came from the origin (nothing to tell).
std::string where_from(const std::vector<source_bytes>& sources) {
  if (sources.empty() || (sources.size() == 1 && sources.front().name == "origin"))
    return {};
  std::string out;
  for (const auto& s : sources)
    out += (out.empty() ? "" : ", ") + format_bytes(s.bytes) + " from "
           + (s.name == "origin" ? "the origin" : s.name);
  return out;
}

net::fetch_observer make_observer(const vendor_context& ctx, const std::string& file) {
  net::fetch_observer obs;
  obs.on_response = [voice = ctx.voice, stats = ctx.stats, file](
                        const std::string& url, std::uint64_t total, std::uint64_t resumed_from) {
    // From the transfer's thread: a cancel that came first keeps its state.
    if (auto expected = actor_activity::connecting; stats)
      stats->state.compare_exchange_strong(expected, actor_activity::transferring,
                                           std::memory_order_relaxed);
    auto size = total ? format_bytes(total) : std::string{"unknown size"};
    voice.say("transfer_start", resumed_from
                                    ? "resuming " + file + " at " + format_bytes(resumed_from)
                                          + " of " + size + " from " + url
                                    : "downloading " + file + " (" + size + ") from " + url);
  };
  obs.on_redirect = [voice = ctx.voice](const std::string&, const std::string& to) {
    voice.say("redirect", "redirected to " + to);
  };
  obs.on_retry = ctx.voice.retries();
  obs.on_source_failed = [voice = ctx.voice](const std::string& name, const std::string& why) {
    voice.warn("source_failed", name + " failed (" + why + "); going on without it");
  };
  obs.on_progress = progress_reporter(ctx, file);
  return obs;
}

} // namespace

bool http_file_state::resumes() const {
  return true;
}

caf::expected<std::function<void()>> http_file_state::start(shared_transfer& transfer) const {
  if (!ctx.settings.io)
    return make_error(download_errc::internal, "no I/O context for network transfers");
  ctx.voice.say("resolve", "connecting to fetch " + net::shown_url(task.url));
  show_state(ctx.stats, actor_activity::connecting);
  return net::start_fetch(
      *ctx.settings.io, make_request(*this), transfer.observer(),
      [to = transfer.shared_from_this()](net::fetch_outcome out) {
        to->deliver(transfer_result{out.ok, out.cancelled, static_cast<std::uint8_t>(out.code),
                                    std::move(out.message), out.bytes, out.total,
                                    std::move(out.sha256), out.http_status,
                                    std::move(out.refusal_headers), std::move(out.sources)});
      });
}

net::fetch_observer http_file_state::observer() const {
  return make_observer(ctx, task.name);
}

void http_file_state::landed(const transfer_result& r) const {
  auto from = where_from(r.sources);
  ctx.voice.say("transfer_done", "downloaded " + task.name + " (" + format_bytes(r.bytes)
                                     + ", sha256 " + r.sha256.substr(0, 12) + "…)"
                                     + (from.empty() ? "" : ": " + from));
}

caf::error http_file_state::failed(const transfer_result& r) const {
  auto error = file_worker::failed(r);
  if (r.code == static_cast<std::uint8_t>(download_errc::http_status) && ctx.explain_refusal)
    if (auto explained = ctx.explain_refusal(r.http_status, r.refusal_headers, r.message))
      error = net::to_error(std::move(*explained));
  // The supervisor removes a part that cannot be resumed once the job is over.
  bool resumable = net::read_partial(task.part_path).size > 0;
  ctx.voice.error("transfer_failed",
                  r.message + (resumable ? " (partial data kept for a later resume)" : ""));
  return error;
}

caf::behavior http_file_actor(http_file_actor_type* self, vendor_context ctx) {
  if (!ctx.task)
    ctx.task = direct_task(ctx);
  return run_file_worker(self, self->state, std::move(ctx));
}

file_task direct_task(const vendor_context& ctx) {
  file_task task;
  task.name = ctx.ref.file_name;
  task.url = ctx.ref.location;
  task.final_path = (ctx.dest_dir / ctx.ref.file_name).string();
  task.part_path = task.final_path + ".part";
  task.sha256 = ctx.expected_sha256;
  return task;
}

} // namespace hive
