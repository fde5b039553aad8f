// The cluster actor's bookkeeping on CAF's deterministic scheduler: who is up,
// who is down, whose id is whose, what gossip adds. Other hives are stand-in
// actors in the same system, so joins, pushes and down messages are the real
// messages without the network (the multi-process tests cover the links).

#include "tests/support/actor_fixture.hpp"

#include "actors/catalog/catalog_actor.hpp"
#include "actors/cluster/cluster_actor.hpp"
#include "actors/inspect/registry_actor.hpp"
#include "messages/errc.hpp"

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

namespace hive::test {
namespace {

using namespace std::chrono_literals;

/// What a stand-in hive received.
struct peer_log {
  std::optional<hive_report> welcome;
  caf::error refusal;
  std::vector<hive_report> pushes;
};

class ClusterActorTest : public actor_fixture {
protected:
  ClusterActorTest() {
    settings.status_interval = 100ms;
    settings.push_every = 1000; // pushes in these tests come from changes only
  }

  caf::actor spawn_cluster(caf::actor catalog = {}, caf::actor registry = {},
                           std::string hive_id = "hive-a") {
    return spawn(cluster_actor, settings, std::move(hive_id), std::move(catalog),
                 std::move(registry), std::make_shared<job_board>(), caf::io::middleman_actor{},
                 std::shared_ptr<const blob_locator>{});
  }

  static hive_report report_of(const std::string& id, std::vector<hive_card> peers = {}) {
    hive_report r;
    r.status.hive_id = id;
    r.status.api_url = "http://127.0.0.1:1";
    r.address = "127.0.0.1:2";
    r.peers = std::move(peers);
    return r;
  }

  /// A stand-in for another hive's cluster actor that joins `cluster` with
  /// `report` and then records the statuses pushed to it.
  std::pair<caf::actor, std::shared_ptr<peer_log>> join(const caf::actor& cluster,
                                                        hive_report report) {
    auto log = std::make_shared<peer_log>();
    auto peer = spawn([cluster, report, log](caf::event_based_actor* self) -> caf::behavior {
      self->request(cluster, caf::infinite, join_atom_v, report)
          .then([log](hive_report& theirs) { log->welcome = std::move(theirs); },
                [log](caf::error& err) { log->refusal = std::move(err); });
      return {[log](status_atom, hive_report& r) { log->pushes.push_back(std::move(r)); }};
    });
    sched.run();
    return {peer, log};
  }

  std::vector<hive_status> list(const caf::actor& cluster) {
    auto out = std::make_shared<std::vector<hive_status>>();
    spawn([cluster, out](caf::event_based_actor* self) {
      self->request(cluster, caf::infinite, list_atom_v)
          .then([out](std::vector<hive_status>& hives) { *out = std::move(hives); });
    });
    sched.run();
    return *out;
  }

  /// `lookup_atom`: the actor, or the error's code and HTTP status.
  std::variant<caf::actor, error_view> lookup(const caf::actor& cluster, const std::string& id) {
    auto out = std::make_shared<std::variant<caf::actor, error_view>>();
    spawn([cluster, id, out](caf::event_based_actor* self) {
      self->request(cluster, caf::infinite, lookup_atom_v, id)
          .then([out](caf::actor& a) { *out = std::move(a); },
                [out](caf::error& err) { *out = describe(err); });
    });
    sched.run();
    return *out;
  }

  static model_record model_named(const std::string& id) {
    model_record model;
    model.id = id;
    model.name = id;
    model.vendor = "url";
    model.source = "url:http://127.0.0.1:1/" + id;
    return model;
  }

  static std::string state_of(const std::vector<hive_status>& hives, const std::string& id) {
    for (const auto& h : hives)
      if (h.hive_id == id)
        return h.state == hive_state::up ? "up" : "down";
    return "absent";
  }

  /// A stand-in for another hive's cluster actor that joins `cluster` with
  /// `report` and hands `(actors_atom)` to `answerer`, as the real one hands
  /// it to its own handler.
  caf::actor join_answering(const caf::actor& cluster, hive_report report, caf::actor answerer) {
    auto peer = spawn([cluster, report, answerer](caf::event_based_actor* self) -> caf::behavior {
      self->request(cluster, caf::infinite, join_atom_v, report).then([](hive_report&) {});
      return {
          [](status_atom, hive_report&) {},
          [self, answerer](actors_atom) { return self->delegate(answerer, actors_atom_v); },
      };
    });
    sched.run();
    return peer;
  }

  /// Answers `(actors_atom)` with `n` rows of kind `filler`, or (`silent`)
  /// never: a hive that is up and does not answer.
  caf::actor spawn_rows(std::size_t n, bool silent = false) {
    return spawn([n, silent](caf::event_based_actor* self) -> caf::behavior {
      return {[self, n, silent](actors_atom) -> caf::result<std::vector<actor_row>> {
        if (silent)
          return self->make_response_promise<std::vector<actor_row>>();
        actor_row row;
        row.kind = "filler";
        row.hive_id = "a name of its own";
        return std::vector<actor_row>(n, row);
      }};
    });
  }

  /// `(list_atom, actors_atom)` asked of `cluster`; the answer once it came.
  std::shared_ptr<std::optional<cluster_actor_rows>> gather(const caf::actor& cluster) {
    auto out = std::make_shared<std::optional<cluster_actor_rows>>();
    spawn([cluster, out](caf::event_based_actor* self) {
      self->request(cluster, caf::infinite, list_atom_v, actors_atom_v)
          .then([out](cluster_actor_rows& rows) { *out = std::move(rows); });
    });
    sched.run();
    return out;
  }

  static std::vector<std::pair<std::string, std::string>>
  hives_and_kinds(const std::vector<actor_row>& rows) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : rows)
      out.emplace_back(r.hive_id, r.kind);
    return out;
  }

  cluster_settings settings;
};

TEST_F(ClusterActorTest, ALoneHiveListsItselfUpWithItsModels) {
  auto catalog = spawn(catalog_actor, temp_dir / "models");
  caf::anon_send(catalog, caf::put_atom_v, model_named("tiny"));
  auto cluster = spawn_cluster(catalog);
  caf::anon_send(cluster, start_atom_v, std::string{"http://127.0.0.1:7835"}, std::string{},
                 caf::actor{});
  sched.run();

  auto hives = list(cluster);
  ASSERT_EQ(hives.size(), 1u);
  EXPECT_EQ(hives[0].hive_id, "hive-a");
  EXPECT_EQ(hives[0].state, hive_state::up);
  EXPECT_EQ(hives[0].api_url, "http://127.0.0.1:7835");
  EXPECT_EQ(hives[0].models, std::vector<std::string>{"tiny"});
  EXPECT_EQ(hives[0].jobs_running, 0u);
  EXPECT_GT(hives[0].last_seen_ms, 0);
  auto self = lookup(cluster, "hive-a");
  ASSERT_TRUE(std::holds_alternative<caf::actor>(self));
  EXPECT_EQ(std::get<caf::actor>(self), cluster) << "the own id is this cluster actor";
}

TEST_F(ClusterActorTest, AJoiningHiveIsUpAndItsDownMessageMarksItDownAtOnce) {
  auto cluster = spawn_cluster();
  auto [peer, log] = join(cluster, report_of("hive-b"));
  ASSERT_TRUE(log->welcome) << caf::to_string(log->refusal);
  EXPECT_EQ(log->welcome->status.hive_id, "hive-a");

  auto hives = list(cluster);
  ASSERT_EQ(hives.size(), 2u);
  EXPECT_EQ(hives[0].hive_id, "hive-a") << "the own hive comes first";
  EXPECT_EQ(hives[1].hive_id, "hive-b");
  EXPECT_EQ(hives[1].state, hive_state::up);
  EXPECT_EQ(hives[1].api_url, "http://127.0.0.1:1");
  EXPECT_GT(hives[1].last_seen_ms, 0);
  auto found = lookup(cluster, "hive-b");
  ASSERT_TRUE(std::holds_alternative<caf::actor>(found));
  EXPECT_EQ(std::get<caf::actor>(found), peer);

  caf::anon_send_exit(peer, caf::exit_reason::kill);
  sched.run(); // no time passes: the down message alone does it
  EXPECT_EQ(state_of(list(cluster), "hive-b"), "down");
  auto gone = lookup(cluster, "hive-b");
  ASSERT_TRUE(std::holds_alternative<error_view>(gone));
  EXPECT_EQ(std::get<error_view>(gone).code, "hive_unavailable");
  EXPECT_EQ(std::get<error_view>(gone).http_status, 503u);
}

TEST_F(ClusterActorTest, AnIdTakenByALiveHiveIsRefusedUntilThatHiveIsDown) {
  auto cluster = spawn_cluster();
  auto [first, first_log] = join(cluster, report_of("hive-b"));
  ASSERT_TRUE(first_log->welcome);

  auto [second, second_log] = join(cluster, report_of("hive-b"));
  EXPECT_FALSE(second_log->welcome);
  EXPECT_NE(describe(second_log->refusal).message.find("hive id 'hive-b' is taken"),
            std::string::npos)
      << describe(second_log->refusal).message;
  EXPECT_EQ(std::get<caf::actor>(lookup(cluster, "hive-b")), first);

  caf::anon_send_exit(first, caf::exit_reason::kill);
  sched.run();
  auto [restarted, restarted_log] = join(cluster, report_of("hive-b"));
  EXPECT_TRUE(restarted_log->welcome) << "a hive that comes back takes its name again";
  EXPECT_EQ(state_of(list(cluster), "hive-b"), "up");
  EXPECT_EQ(std::get<caf::actor>(lookup(cluster, "hive-b")), restarted);
}

TEST_F(ClusterActorTest, AHiveUnderThisHivesOwnIdIsRefused) {
  auto cluster = spawn_cluster();
  auto [peer, log] = join(cluster, report_of("hive-a"));
  EXPECT_FALSE(log->welcome);
  EXPECT_NE(describe(log->refusal).message.find("this hive's own"), std::string::npos);
  EXPECT_EQ(list(cluster).size(), 1u);
}

TEST_F(ClusterActorTest, AReportBeyondTheBoundsIsRefused) {
  auto cluster = spawn_cluster();
  auto [peer, log] = join(cluster, report_of("no spaces allowed"));
  EXPECT_FALSE(log->welcome);
  std::vector<hive_card> many(cluster_members::max_hives + 1, hive_card{"x", "127.0.0.1:1"});
  auto [crowd, crowd_log] = join(cluster, report_of("hive-c", many));
  EXPECT_FALSE(crowd_log->welcome);
  EXPECT_EQ(list(cluster).size(), 1u);
}

TEST_F(ClusterActorTest, GossipAddsHivesNotReachedYetAsDown) {
  auto cluster = spawn_cluster();
  auto [peer, log] =
      join(cluster, report_of("hive-b", {{"hive-c", "127.0.0.1:3"}, {"hive-a", "127.0.0.1:4"}}));
  ASSERT_TRUE(log->welcome);
  auto hives = list(cluster);
  ASSERT_EQ(hives.size(), 3u) << "the card naming hive-a itself is skipped";
  EXPECT_EQ(state_of(hives, "hive-c"), "down");
  auto c = lookup(cluster, "hive-c");
  ASSERT_TRUE(std::holds_alternative<error_view>(c));
  EXPECT_EQ(std::get<error_view>(c).code, "hive_unavailable");
  EXPECT_NE(std::get<error_view>(c).message.find("not been reached yet"), std::string::npos);

  auto unknown = lookup(cluster, "hive-z");
  ASSERT_TRUE(std::holds_alternative<error_view>(unknown));
  EXPECT_EQ(std::get<error_view>(unknown).code, "unknown_hive");
  EXPECT_EQ(std::get<error_view>(unknown).http_status, 404u);
  EXPECT_NE(std::get<error_view>(unknown).message.find("hive-a, hive-b, hive-c"), std::string::npos)
      << "the message lists the hives there are";

  // What this hive tells a newcomer names what it knows.
  ASSERT_EQ(log->welcome->peers.size(), 2u);
  EXPECT_EQ(log->welcome->peers[1].hive_id, "hive-c");
  EXPECT_EQ(log->welcome->peers[1].address, "127.0.0.1:3");
}

TEST_F(ClusterActorTest, ANewHiveIsNewsForTheOthersAtOnce) {
  auto cluster = spawn_cluster();
  auto [b, b_log] = join(cluster, report_of("hive-b"));
  auto [c, c_log] = join(cluster, report_of("hive-c"));
  ASSERT_FALSE(b_log->pushes.empty());
  const auto& peers = b_log->pushes.back().peers;
  ASSERT_EQ(peers.size(), 2u) << "no interval passed, yet hive-b hears of hive-c";
  EXPECT_EQ(peers[1].hive_id, "hive-c");
}

TEST_F(ClusterActorTest, AStatusCountsFromItsHiveOnlyAndItsChangesArePushed) {
  auto catalog = spawn(catalog_actor, temp_dir / "models");
  auto cluster = spawn_cluster(catalog);
  caf::anon_send(cluster, start_atom_v, std::string{"http://127.0.0.1:7835"}, std::string{},
                 caf::actor{});
  sched.run();
  auto [peer, log] = join(cluster, report_of("hive-b"));

  auto update = report_of("hive-b");
  update.status.models = {"llama"};
  update.status.jobs_running = 2;
  caf::send_as(peer, cluster, status_atom_v, update);
  auto impostor = spawn([](caf::event_based_actor*) -> caf::behavior { return {[](int) {}}; });
  auto forged = report_of("hive-b");
  forged.status.models = {"forged"};
  caf::send_as(impostor, cluster, status_atom_v, forged);
  sched.run();
  auto hives = list(cluster);
  ASSERT_EQ(hives.size(), 2u);
  EXPECT_EQ(hives[1].models, std::vector<std::string>{"llama"});
  EXPECT_EQ(hives[1].jobs_running, 2u);

  // A new model here is news for hive-b at the next status interval.
  log->pushes.clear(); // what hive-b heard of its own arrival
  caf::anon_send(catalog, caf::put_atom_v, model_named("fresh"));
  sched.run();
  EXPECT_TRUE(log->pushes.empty());
  sched.advance_time(settings.status_interval);
  sched.run();
  ASSERT_EQ(log->pushes.size(), 1u);
  EXPECT_EQ(log->pushes[0].status.hive_id, "hive-a");
  EXPECT_EQ(log->pushes[0].status.models, std::vector<std::string>{"fresh"});
  sched.advance_time(settings.status_interval);
  sched.run();
  EXPECT_EQ(log->pushes.size(), 1u) << "nothing changed: nothing pushed";
}

TEST_F(ClusterActorTest, EveryHivesActorsAreGatheredAndAHiveThatDoesNotAnswerIsUnreachable) {
  settings.gather_timeout = 2s;
  auto registry_a = spawn(registry_actor, std::string{"hive-a"});
  auto cluster_a = spawn_cluster({}, registry_a);
  announce(registry_a, cluster_a, actor_info{"cluster", "", 0, {}});
  // hive-b is a real cluster actor with its own registry, reached through
  // the stand-in that joined hive-a; it names hive-d, which is not reached.
  auto registry_b = spawn(registry_actor, std::string{"hive-b"});
  auto cluster_b = spawn_cluster({}, registry_b, "hive-b");
  announce(registry_b, cluster_b, actor_info{"cluster", "", 0, {}});
  announce(registry_b, registry_b, actor_info{"actor_registry", "", 0, {}});
  sched.run();
  join_answering(cluster_a, report_of("hive-b", {{"hive-d", "127.0.0.1:9"}}), cluster_b);
  join_answering(cluster_a, report_of("hive-c"), spawn_rows(0, true));

  auto gathered = gather(cluster_a);
  EXPECT_FALSE(*gathered) << "hive-c has its timeout to answer";
  sched.advance_time(settings.gather_timeout);
  sched.run();
  ASSERT_TRUE(*gathered) << "a hive that does not answer holds the answer up to its timeout";
  using row = std::pair<std::string, std::string>;
  EXPECT_EQ(hives_and_kinds((*gathered)->actors),
            (std::vector<row>{
                {"hive-a", "cluster"}, {"hive-b", "actor_registry"}, {"hive-b", "cluster"}}))
      << "this hive first, then the others by id, each hive's rows by actor id";
  EXPECT_EQ((*gathered)->unreachable, (std::vector<std::string>{"hive-c", "hive-d"}))
      << "the one that did not answer and the one that is down";
}

TEST_F(ClusterActorTest, AGatheringWithEveryHiveAnsweringWaitsForNoTimeout) {
  auto registry_a = spawn(registry_actor, std::string{"hive-a"});
  auto cluster_a = spawn_cluster({}, registry_a);
  announce(registry_a, cluster_a, actor_info{"cluster", "", 0, {}});
  join_answering(cluster_a, report_of("hive-b"), spawn_rows(2));
  auto gathered = gather(cluster_a);
  ASSERT_TRUE(*gathered) << "no time passed";
  EXPECT_EQ((*gathered)->actors.size(), 3u);
  EXPECT_EQ((*gathered)->actors[1].hive_id, "hive-b") << "the id the hive was asked under";
  EXPECT_TRUE((*gathered)->unreachable.empty());
}

TEST_F(ClusterActorTest, AHiveGivesAndTakesAtMostTheBoundOfRows) {
  auto many = spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](list_atom) { return std::vector<actor_row>(max_actor_rows_per_hive + 10); }};
  });
  auto cluster_a = spawn_cluster({}, many);
  join_answering(cluster_a, report_of("hive-b"), spawn_rows(max_actor_rows_per_hive + 1));
  auto own = std::make_shared<std::size_t>(0);
  spawn([cluster_a, own](caf::event_based_actor* self) {
    self->request(cluster_a, caf::infinite, actors_atom_v)
        .then([own](std::vector<actor_row>& rows) { *own = rows.size(); });
  });
  sched.run();
  EXPECT_EQ(*own, max_actor_rows_per_hive) << "what this hive gives another";
  auto gathered = gather(cluster_a);
  ASSERT_TRUE(*gathered);
  EXPECT_EQ((*gathered)->actors.size(), 2 * max_actor_rows_per_hive)
      << "what it takes from another, which gave more";
}

// -- mirrors: which hives hold a blob ------------------------------------------

class ClusterMirrorsActorTest : public ClusterActorTest {
protected:
  ClusterMirrorsActorTest() {
    settings.blob_secret = "s3cret";
  }

  /// A stand-in hive that joins `cluster` and answers `blob_atom` with
  /// `presence`, or never when none.
  caf::actor peer_holding(const caf::actor& cluster, const std::string& id,
                          std::optional<blob_presence> presence) {
    return peer_answering(cluster, id,
                          presence ? std::make_shared<blob_presence>(*presence) : nullptr);
  }

  /// The same, answering with what `presence` points to when asked (never
  /// when null), so a test can change it between questions.
  caf::actor peer_answering(const caf::actor& cluster, const std::string& id,
                            std::shared_ptr<const blob_presence> presence) {
    auto report = report_of(id);
    report.status.api_url = "http://" + id + ":7835";
    auto peer = spawn([cluster, report, presence](caf::event_based_actor* self) -> caf::behavior {
      self->request(cluster, caf::infinite, join_atom_v, report).then([](hive_report&) {});
      // Kept, never delivered: the question stays open.
      auto unanswered = std::make_shared<std::vector<caf::response_promise>>();
      return {
          [](status_atom, hive_report&) {},
          [self, presence, unanswered](blob_atom, std::string&) -> caf::result<blob_presence> {
            if (presence)
              return *presence;
            unanswered->push_back(self->make_response_promise());
            return unanswered->back();
          },
      };
    });
    sched.run();
    return peer;
  }

  using answer = std::shared_ptr<std::optional<std::vector<std::string>>>;

  /// Asks `mirrors_atom` for `sha` and runs the scheduler: each mirror as
  /// "name url token", unset while the cluster actor has not answered.
  answer ask_mirrors(const caf::actor& cluster) {
    auto out = std::make_shared<std::optional<std::vector<std::string>>>();
    spawn([cluster, out](caf::event_based_actor* self) {
      self->request(cluster, caf::infinite, mirrors_atom_v, sha)
          .then([out](std::vector<blob_source>& sources) {
            std::vector<std::string> mirrors;
            for (const auto& s : sources)
              mirrors.push_back(s.name + " " + s.url + " " + s.bearer_token);
            *out = std::move(mirrors);
          });
    });
    sched.run();
    return out;
  }

  /// hive-a asks for mirrors while hive-z (a higher id) answers that it is
  /// fetching from the origin but still deciding: what hive-z answers next
  /// (changed through the pointer), and hive-a's reply.
  std::pair<std::shared_ptr<blob_presence>, answer> ask_with_hive_z_deciding() {
    auto cluster = spawn_cluster();
    auto z = std::make_shared<blob_presence>(
        blob_presence{blob_presence::holding::fetching, 10, 0, true, true});
    peer_answering(cluster, "hive-z", z);
    return {z, ask_mirrors(cluster)};
  }

  static inline const std::string sha = std::string(64, 'e');
};

TEST_F(ClusterMirrorsActorTest, AHiveAloneHasNoMirrorsAtOnce) {
  auto cluster = spawn_cluster();
  EXPECT_EQ(*ask_mirrors(cluster), std::vector<std::string>{});
}

TEST_F(ClusterMirrorsActorTest, HivesThatHoldTheBlobOrFetchItFromTheOriginAreMirrors) {
  auto cluster = spawn_cluster();
  peer_holding(cluster, "hive-b", blob_presence{blob_presence::holding::complete, 10, 10, false});
  peer_holding(cluster, "hive-c", blob_presence{blob_presence::holding::fetching, 10, 4, true});
  // Fetching from other hives itself: never a mirror, so no two hives wait on each other.
  peer_holding(cluster, "hive-d", blob_presence{blob_presence::holding::fetching, 10, 9, false});
  peer_holding(cluster, "hive-e", blob_presence{});
  EXPECT_EQ(*ask_mirrors(cluster),
            (std::vector<std::string>{
                "hive hive-b http://hive-b:7835/v1/blobs/sha256/" + sha + " s3cret",
                "hive hive-c http://hive-c:7835/v1/blobs/sha256/" + sha + " s3cret"}));
}

TEST_F(ClusterMirrorsActorTest, AHiveThatDoesNotAnswerInTimeIsLeftOut) {
  auto cluster = spawn_cluster();
  peer_holding(cluster, "hive-b", blob_presence{blob_presence::holding::complete, 10, 10, false});
  peer_holding(cluster, "hive-c", std::nullopt);
  auto reply = ask_mirrors(cluster);
  EXPECT_EQ(*reply, std::nullopt) << "answered before hive-c's time was up";
  sched.advance_time(settings.mirror_timeout);
  sched.run();
  ASSERT_TRUE(reply->has_value());
  EXPECT_EQ(reply->value().size(), 1u);
}

TEST_F(ClusterMirrorsActorTest, AHiveDecidingWithALowerIdIsAMirrorAndOneWithAHigherIdIsNot) {
  auto cluster = spawn_cluster(); // hive-a
  blob_presence deciding{blob_presence::holding::fetching, 10, 0, true, true};
  peer_holding(cluster, "hive-0", deciding);
  peer_holding(cluster, "hive-z", deciding);
  auto reply = ask_mirrors(cluster);
  EXPECT_EQ(*reply, std::nullopt) << "answered while hive-z was still deciding";
  sched.advance_time(settings.mirror_timeout);
  sched.run();
  EXPECT_EQ(*reply, (std::vector<std::string>{"hive hive-0 http://hive-0:7835/v1/blobs/sha256/"
                                              + sha + " s3cret"}))
      << "hive-z never decided: left out once the time was up";
}

TEST_F(ClusterMirrorsActorTest, AHiveWithAHigherIdIsAskedAgainUntilItHasDecided) {
  // hive-z asked this hive before it fetched, and is deciding: had it been
  // left out, both would fetch from the origin.
  auto [z, reply] = ask_with_hive_z_deciding();
  sched.advance_time(settings.mirror_recheck);
  sched.run();
  EXPECT_EQ(*reply, std::nullopt) << "asked again, still deciding";
  z->deciding = false; // it settled on the origin
  sched.advance_time(settings.mirror_recheck);
  sched.run();
  EXPECT_EQ(*reply, (std::vector<std::string>{"hive hive-z http://hive-z:7835/v1/blobs/sha256/"
                                              + sha + " s3cret"}));
}

TEST_F(ClusterMirrorsActorTest, AHiveWithAHigherIdThatSettlesOnOtherHivesIsNoMirror) {
  auto [z, reply] = ask_with_hive_z_deciding();
  *z = blob_presence{blob_presence::holding::fetching, 10, 0, false, false};
  sched.advance_time(settings.mirror_recheck);
  sched.run();
  EXPECT_EQ(*reply, std::vector<std::string>{});
}

TEST_F(ClusterMirrorsActorTest, WithoutAClusterSecretNoHiveIsAskedAndNoneAnswersForThis) {
  settings.blob_secret.clear();
  auto cluster = spawn_cluster();
  peer_holding(cluster, "hive-b", blob_presence{blob_presence::holding::complete, 10, 10, false});
  EXPECT_EQ(*ask_mirrors(cluster), std::vector<std::string>{});
  auto presence = std::make_shared<std::optional<blob_presence>>();
  spawn([cluster, presence](caf::event_based_actor* self) {
    self->request(cluster, caf::infinite, blob_atom_v, sha).then([presence](blob_presence& p) {
      *presence = p;
    });
  });
  sched.run();
  ASSERT_TRUE(presence->has_value());
  EXPECT_EQ((*presence)->state, blob_presence::holding::none);
}

} // namespace
} // namespace hive::test
