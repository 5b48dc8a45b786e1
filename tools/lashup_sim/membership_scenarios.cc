// Membership scenarios: a cluster of membership cores (src/membership) in the simulator, with
// figures of how fast the overlay and the global membership table form.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scenario_common.h"
#include "lashup/testing/sim_world.h"
#include "core/rng.h"
#include "membership/membership_core.h"
#include "scenarios.h"

namespace lashup::tools {
namespace {

using std::chrono::milliseconds;

struct Cluster {
  explicit Cluster(const ClusterOptions& options) : world(SimOptionsFor(options)) {
    membership::MembershipConfig config;
    for (uint64_t i = 0; i < 3; ++i) config.contacts.push_back(NodeName(i));
    for (uint64_t i = 0; i < options.nodes; ++i) {
      ids.push_back(NodeName(i));
      (void)world.AddNode(ids.back(), membership::MembershipCoreFactory(config));
    }
  }
  const membership::MembershipCore* Core(const NodeId& id) {
    return dynamic_cast<const membership::MembershipCore*>(world.GetCore(id));
  }

  // Whether the directed graph of active views is one strongly connected component: everyone
  // reaches everyone from n0, along the edges and against them.
  // Whether the active views of `nodes` form one strongly connected component among them
  // (a link to a node outside `nodes`, dead or cut off, counts against it).
  bool StronglyConnected(const std::vector<NodeId>& nodes) {
    const std::set<NodeId> members(nodes.begin(), nodes.end());
    std::map<NodeId, std::vector<NodeId>> forward;
    std::map<NodeId, std::vector<NodeId>> reverse;
    for (const NodeId& id : nodes) {
      for (const NodeId& peer : Core(id)->hyparview().active()) {
        if (!members.contains(peer)) return false;
        forward[id].push_back(peer);
        reverse[peer].push_back(id);
      }
    }
    for (auto* graph : {&forward, &reverse}) {
      std::set<NodeId> seen{nodes.front()};
      std::vector<NodeId> stack{nodes.front()};
      while (!stack.empty()) {
        const NodeId id = stack.back();
        stack.pop_back();
        for (const NodeId& peer : (*graph)[id]) {
          if (seen.insert(peer).second) stack.push_back(peer);
        }
      }
      if (seen.size() != nodes.size()) return false;
    }
    return true;
  }
  bool OneComponent() { return StronglyConnected(ids); }
  // The members live node `id` reaches in its own table, recomputed only when that table changed (samplers
  // ask every node every few milliseconds; at 1,000 nodes recomputing each time dominated).
  const std::set<NodeId>& ReachableFrom(const NodeId& id) {
    const membership::GlobalMembership& table = Core(id)->global();
    CachedReach& cached = reach_[id];
    if (cached.table != &table || cached.generation != table.generation()) {
      cached.reachable = table.Reachable();
      cached.table = &table;  // a restarted node has a new table whose generation starts over
      cached.generation = table.generation();
    }
    return cached.reachable;
  }
  bool TablesComplete() {
    for (const NodeId& id : ids) {
      if (Core(id)->global().members().size() != ids.size()) return false;
    }
    return true;
  }

  SimWorld world;
  std::vector<NodeId> ids;

 private:
  struct CachedReach {
    const membership::GlobalMembership* table = nullptr;
    uint64_t generation = 0;
    std::set<NodeId> reachable;
  };
  std::map<NodeId, CachedReach> reach_;
};

struct Convergence {
  std::optional<Duration> scc;
  std::optional<Duration> complete;
  bool ok() const { return scc && complete; }
};

// Runs until the overlay is one component and every table complete, sampling every 50 ms of
// virtual time, for at most `limit`.
Convergence RunToConvergence(Cluster& cluster, Duration limit, bool quiet) {
  Convergence c;
  const Duration step = milliseconds(50);
  while (cluster.world.now() < limit && !c.ok()) {
    cluster.world.RunFor(step);
    if (!c.scc && cluster.OneComponent()) {
      c.scc = cluster.world.now();
      if (!quiet) std::fprintf(stderr, "[%8.3fs] one component\n", c.scc->count() / 1e9);
    }
    if (!c.complete && cluster.TablesComplete()) {
      c.complete = cluster.world.now();
      if (!quiet) std::fprintf(stderr, "[%8.3fs] every table complete\n", c.complete->count() / 1e9);
    }
  }
  return c;
}

void PrintFailure(const char* scenario, const char* error) {
  std::printf("{\"scenario\":\"%s\",\"ok\":false,\"error\":\"%s\"}\n", scenario, error);
}

// A cluster run to convergence and then 10 quiet seconds, the start of every scenario that
// injects a fault; `exit_code` is non-zero (and the reason printed) when that failed.
struct Prepared {
  ClusterOptions options;
  std::unique_ptr<Cluster> cluster;
  std::chrono::steady_clock::time_point wall_start;
  int exit_code = 0;
};

Prepared Prepare(const char* scenario, const std::vector<std::string>& args) {
  Prepared p;
  auto options = ParseCluster(args);
  if (!options.ok()) {
    std::fprintf(stderr, "lashup-sim %s: %s\n", scenario, options.status().ToString().c_str());
    p.exit_code = 2;
    return p;
  }
  p.options = *options;
  p.wall_start = std::chrono::steady_clock::now();
  p.cluster = std::make_unique<Cluster>(p.options);
  if (!RunToConvergence(*p.cluster, std::chrono::seconds(120), p.options.quiet).ok()) {
    PrintFailure(scenario, "no convergence");
    p.exit_code = 1;
    return p;
  }
  p.cluster->world.RunFor(std::chrono::seconds(10));
  return p;
}

// Messages sent, by kind, over the whole run (stderr, for the timeline).
void PrintSentByKind(Cluster& cluster) {
  std::map<std::string, uint64_t, std::less<>> total;
  for (const NodeId& id : cluster.ids) {
    const auto* core = cluster.Core(id);
    if (core == nullptr) continue;
    for (const auto& [kind, n] : core->counters().sent) total[kind] += n;
  }
  const auto& bytes = cluster.world.stats().bytes_by_kind;
  for (const auto& [kind, n] : total) {
    const auto it = bytes.find(kind);
    std::fprintf(stderr, "  sent %-18s %10" PRIu64 " messages %12" PRIu64 " bytes\n",
                 kind.c_str(), n, it == bytes.end() ? uint64_t{0} : it->second);
  }
}

}  // namespace

// converge: N nodes start together with 3 contact nodes. Figures: scc_ms (the active-view graph
// becomes one strongly connected component) and gm_complete_ms (every node's table holds all N
// members), sampled every 50 ms of virtual time, over at most 120 s.
int RunConvergeScenario(const std::vector<std::string>& args) {
  auto options = ParseCluster(args);
  if (!options.ok()) {
    std::fprintf(stderr, "lashup-sim converge: %s\n", options.status().ToString().c_str());
    return 2;
  }
  const auto wall_start = std::chrono::steady_clock::now();
  Cluster cluster(*options);
  const Convergence c = RunToConvergence(cluster, std::chrono::seconds(120), options->quiet);
  const std::optional<Duration> scc = c.scc;
  const std::optional<Duration> complete = c.complete;
  const double wall_ms = WallMsSince(wall_start);
  if (!options->quiet) PrintSentByKind(cluster);
  const SimStats& stats = cluster.world.stats();
  std::printf(
      "{\"scenario\":\"converge\",\"ok\":%s,\"nodes\":%" PRIu64 ",\"seed\":%" PRIu64
      ",\"latency_min_ms\":%g,\"latency_mean_ms\":%g,\"scc_ms\":%s,\"gm_complete_ms\":%s,"
      "\"sample_ms\":50,\"messages\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"wall_ms\":%.0f}\n",
      scc && complete ? "true" : "false", options->nodes, options->seed,
      options->latency_min_ms, options->latency_mean_ms, JsonMs(scc).c_str(),
      JsonMs(complete).c_str(), stats.messages_sent, stats.bytes_encoded, wall_ms);
  return scc && complete ? 0 : 1;
}

}  // namespace lashup::tools

namespace lashup::tools {

// fail-one: after convergence and 10 s of quiet, one node (not a contact, chosen by the seed)
// hangs: paused, so its links stay open and only failure detection can notice. Figures: the
// time until it is unreachable in each survivor's table, as p50 / p90 / max, sampled every
// 10 ms of virtual time over at most 30 s.
int RunFailOneScenario(const std::vector<std::string>& args) {
  Prepared prepared = Prepare("fail-one", args);
  if (prepared.exit_code != 0) return prepared.exit_code;
  const ClusterOptions* options = &prepared.options;
  const auto wall_start = prepared.wall_start;
  Cluster& cluster = *prepared.cluster;
  Rng rng(options->seed);
  const NodeId hung = NodeName(3 + rng.Uniform(options->nodes - 3));
  (void)cluster.world.Pause(hung);
  const Duration start = cluster.world.now();
  if (!options->quiet) {
    std::fprintf(stderr, "[%8.3fs] %s hangs\n", start.count() / 1e9, hung.str().c_str());
  }
  std::map<NodeId, double> detected_ms;
  const Duration limit = start + std::chrono::seconds(30);
  while (cluster.world.now() < limit && detected_ms.size() + 1 < cluster.ids.size()) {
    cluster.world.RunFor(milliseconds(10));
    for (const NodeId& id : cluster.ids) {
      if (id == hung || detected_ms.contains(id)) continue;
      if (!cluster.ReachableFrom(id).contains(hung)) {
        detected_ms[id] =
            std::chrono::duration<double, std::milli>(cluster.world.now() - start).count();
      }
    }
  }
  const bool ok = detected_ms.size() + 1 == cluster.ids.size();
  std::vector<double> times;
  for (const auto& [id, ms] : detected_ms) times.push_back(ms);
  uint64_t declared = 0;
  for (const NodeId& id : cluster.ids) {
    if (id != hung) declared += cluster.Core(id)->peers_declared_failed();
  }
  const auto figure = [&](double p) {
    if (!ok) return std::string("null");
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.0f", Percentile(times, p));
    return std::string(buffer);
  };
  std::printf("{\"scenario\":\"fail-one\",\"ok\":%s,\"nodes\":%" PRIu64 ",\"seed\":%" PRIu64
              ",\"latency_min_ms\":%g,\"latency_mean_ms\":%g,\"hung\":\"%s\","
              "\"detect_p50_ms\":%s,\"detect_p90_ms\":%s,\"detect_max_ms\":%s,"
              "\"sample_ms\":10,\"failures_declared\":%" PRIu64 ",\"wall_ms\":%.0f}\n",
              ok ? "true" : "false", options->nodes, options->seed, options->latency_min_ms,
              options->latency_mean_ms, hung.str().c_str(), figure(0.5).c_str(),
              figure(0.9).c_str(), figure(1.0).c_str(), declared, WallMsSince(wall_start));
  return ok ? 0 : 1;
}

}  // namespace lashup::tools

namespace lashup::tools {
namespace {

// Runs in steps of `step` until `done()` or `limit` of virtual time from now; the time taken.
template <typename Done>
std::optional<Duration> TimeUntil(Cluster& cluster, Duration step, Duration limit, Done done) {
  const Duration start = cluster.world.now();
  while (cluster.world.now() - start < limit) {
    cluster.world.RunFor(step);
    if (done()) return cluster.world.now() - start;
  }
  return std::nullopt;
}

// Whether every node of `observers` finds none of `targets` reachable in its own table.
bool NoneReachable(Cluster& cluster, const std::vector<NodeId>& observers,
                   const std::vector<NodeId>& targets) {
  for (const NodeId& id : observers) {
    const std::set<NodeId>& reachable = cluster.ReachableFrom(id);
    for (const NodeId& t : targets) {
      if (reachable.contains(t)) return false;
    }
  }
  return true;
}

// Whether `nodes` form one strongly connected component in their active views and each one's
// table reaches all of them.
bool OneComponentOf(Cluster& cluster, const std::vector<NodeId>& nodes) {
  if (!cluster.StronglyConnected(nodes)) return false;
  for (const NodeId& id : nodes) {
    const std::set<NodeId>& reachable = cluster.ReachableFrom(id);
    for (const NodeId& other : nodes) {
      if (!reachable.contains(other)) return false;
    }
  }
  return true;
}

}  // namespace

// fail-half: after convergence, half the nodes (chosen by the seed) crash at once; their links
// drop. Figures: reconnect_ms (the survivors form one component again, with complete
// reachability in their tables) and detect_max_ms (no survivor's table reaches a crashed node).
// Why the survivors are not one component yet (stderr timeline): how many still hold an active
// link to a crashed node, how many have no neighbour, and how many their tables cannot reach.
void PrintSurvivors(Cluster& cluster, const std::vector<NodeId>& survivors,
                    const std::vector<NodeId>& crashed, Duration elapsed) {
  const std::set<NodeId> dead(crashed.begin(), crashed.end());
  size_t to_dead = 0;
  size_t alone = 0;
  size_t partial = 0;
  for (const NodeId& id : survivors) {
    const auto& active = cluster.Core(id)->hyparview().active();
    alone += active.empty() ? 1 : 0;
    to_dead += std::any_of(active.begin(), active.end(),
                           [&](const NodeId& peer) { return dead.contains(peer); });
    const std::set<NodeId>& reachable = cluster.ReachableFrom(id);
    partial += std::all_of(survivors.begin(), survivors.end(),
                           [&](const NodeId& other) { return reachable.contains(other); })
                   ? 0
                   : 1;
  }
  std::fprintf(stderr,
               "[+%6.3fs] survivors: %zu link to a crashed node, %zu have no neighbour, %zu "
               "do not reach every survivor\n",
               elapsed.count() / 1e9, to_dead, alone, partial);
}

int RunFailHalfScenario(const std::vector<std::string>& args) {
  Prepared prepared = Prepare("fail-half", args);
  if (prepared.exit_code != 0) return prepared.exit_code;
  const ClusterOptions* options = &prepared.options;
  const auto wall_start = prepared.wall_start;
  Cluster& cluster = *prepared.cluster;
  std::vector<NodeId> order = cluster.ids;
  Rng rng(options->seed);
  rng.Shuffle(order);
  const std::vector<NodeId> crashed(order.begin(), order.begin() + order.size() / 2);
  const std::vector<NodeId> survivors(order.begin() + order.size() / 2, order.end());
  for (const NodeId& id : crashed) (void)cluster.world.Crash(id);
  std::optional<Duration> detect;
  std::optional<Duration> reconnect;
  const Duration start = cluster.world.now();
  while (cluster.world.now() - start < std::chrono::seconds(120) && !(detect && reconnect)) {
    cluster.world.RunFor(milliseconds(50));
    if (!detect && NoneReachable(cluster, survivors, crashed)) detect = cluster.world.now() - start;
    if (!reconnect && OneComponentOf(cluster, survivors)) {
      reconnect = cluster.world.now() - start;
    }
    const auto elapsed = cluster.world.now() - start;
    if (!options->quiet && !reconnect && elapsed % std::chrono::seconds(1) == Duration(0)) {
      PrintSurvivors(cluster, survivors, crashed, elapsed);
    }
  }
  const bool ok = detect && reconnect;
  std::printf("%s,\"crashed\":%zu,\"reconnect_ms\":%s,\"detect_max_ms\":%s,\"sample_ms\":50,"
              "\"wall_ms\":%.0f}\n",
              Common("fail-half", ok, *options).c_str(), crashed.size(),
              Fixed(reconnect ? std::optional<double>(MsOf(*reconnect)) : std::nullopt).c_str(),
              Fixed(detect ? std::optional<double>(MsOf(*detect)) : std::nullopt).c_str(),
              WallMsSince(wall_start));
  return ok ? 0 : 1;
}

// partition-heal: after convergence the nodes split into two halves (contacts on both sides)
// for 5 simulated minutes, then the partition heals. Figures: split_ms (each side's tables
// reach none of the other side) and heal_ms (one component again, every table reaching all).
int RunPartitionHealScenario(const std::vector<std::string>& args) {
  Prepared prepared = Prepare("partition-heal", args);
  if (prepared.exit_code != 0) return prepared.exit_code;
  const ClusterOptions* options = &prepared.options;
  const auto wall_start = prepared.wall_start;
  Cluster& cluster = *prepared.cluster;
  // Odd and even nodes: contacts n0, n2 on one side, n1 on the other.
  std::vector<NodeId> a;
  std::vector<NodeId> b;
  for (size_t i = 0; i < cluster.ids.size(); ++i) (i % 2 == 0 ? a : b).push_back(cluster.ids[i]);
  const PartitionId cut = cluster.world.Partition(a, b);
  const std::optional<Duration> split =
      TimeUntil(cluster, milliseconds(100), std::chrono::seconds(60),
                [&] { return NoneReachable(cluster, a, b) && NoneReachable(cluster, b, a); });
  const Duration healed_at = std::chrono::minutes(5);
  cluster.world.RunFor(healed_at - (split ? *split : Duration(0)));
  (void)cluster.world.Heal(cut);
  const std::optional<Duration> heal = TimeUntil(
      cluster, milliseconds(100), std::chrono::seconds(120),
      [&] { return OneComponentOf(cluster, cluster.ids); });
  const bool ok = split && heal;
  if (!options->quiet) PrintSentByKind(cluster);
  std::printf("%s,\"split_ms\":%s,\"heal_ms\":%s,\"partition_s\":300,\"sample_ms\":100,"
              "\"wall_ms\":%.0f}\n",
              Common("partition-heal", ok, *options).c_str(),
              Fixed(split ? std::optional<double>(MsOf(*split)) : std::nullopt).c_str(),
              Fixed(heal ? std::optional<double>(MsOf(*heal)) : std::nullopt).c_str(),
              WallMsSince(wall_start));
  return ok ? 0 : 1;
}

// asymmetric: the contact nodes play masters; the other nodes are agents in two groups that
// cannot reach each other (both ways), while every agent reaches every master. For 60 s after
// the cut, figure false_unreachable: the most live nodes that any node's table found
// unreachable at any sample (every 100 ms). Must be 0: the masters connect everyone.
int RunAsymmetricScenario(const std::vector<std::string>& args) {
  Prepared prepared = Prepare("asymmetric", args);
  if (prepared.exit_code != 0) return prepared.exit_code;
  const ClusterOptions* options = &prepared.options;
  const auto wall_start = prepared.wall_start;
  Cluster& cluster = *prepared.cluster;
  std::vector<NodeId> group1;
  std::vector<NodeId> group2;
  const size_t agents = cluster.ids.size() - 3;
  for (size_t i = 3; i < cluster.ids.size(); ++i) {
    (i - 3 < (agents * 2) / 5 ? group1 : group2).push_back(cluster.ids[i]);
  }
  cluster.world.Partition(group1, group2);
  size_t worst = 0;
  const Duration start = cluster.world.now();
  while (cluster.world.now() - start < std::chrono::seconds(60)) {
    cluster.world.RunFor(milliseconds(100));
    for (const NodeId& id : cluster.ids) {
      const std::set<NodeId>& reachable = cluster.ReachableFrom(id);
      // Tables hold only cluster members, so reaching as many as there are means reaching all.
      size_t unreachable = 0;
      if (reachable.size() < cluster.ids.size()) {
        for (const NodeId& other : cluster.ids) unreachable += reachable.contains(other) ? 0 : 1;
      }
      if (unreachable > worst && !options->quiet) {
        std::fprintf(stderr, "[%8.3fs] %s finds %zu nodes unreachable (%zu active neighbours)\n",
                     cluster.world.now().count() / 1e9, id.str().c_str(), unreachable,
                     cluster.Core(id)->hyparview().active().size());
      }
      worst = std::max(worst, unreachable);
    }
  }
  // By the end the overlay has moved off the cut: no active link crosses it and no node still
  // holds a broken link in its record.
  uint64_t declared = 0;
  uint64_t broken = 0;
  size_t crossing = 0;
  size_t held = 0;
  const std::set<NodeId> side1(group1.begin(), group1.end());
  const std::set<NodeId> side2(group2.begin(), group2.end());
  for (const NodeId& id : cluster.ids) {
    const membership::MembershipCore* core = cluster.Core(id);
    declared += core->peers_declared_failed();
    broken += core->links_declared_broken();
    held += core->held().size();
    for (const NodeId& peer : core->hyparview().active()) {
      crossing += (side1.contains(id) && side2.contains(peer)) ||
                  (side2.contains(id) && side1.contains(peer));
    }
  }
  const bool ok = worst == 0 && crossing == 0 && held == 0;
  std::printf("%s,\"masters\":3,\"group1\":%zu,\"group2\":%zu,\"false_unreachable\":%zu,"
              "\"links_declared_failed\":%" PRIu64 ",\"links_declared_broken\":%" PRIu64
              ",\"crossing_links_at_end\":%zu,\"held_at_end\":%zu,\"sample_ms\":100,"
              "\"wall_ms\":%.0f}\n",
              Common("asymmetric", ok, *options).c_str(), group1.size(), group2.size(), worst,
              declared, broken, crossing, held, WallMsSince(wall_start));
  return ok ? 0 : 1;
}

// idle: after convergence, 10 simulated minutes with no faults over a long-tailed latency (0.1%
// of messages take 50 times longer). Figures: false_positives (neighbours declared failed),
// msgs_per_node_s and bytes_per_node_s over those 10 minutes, and gm_bytes (the largest
// membership table in memory).
int RunIdleScenario(const std::vector<std::string>& args) {
  Prepared prepared = Prepare("idle", args);
  if (prepared.exit_code != 0) return prepared.exit_code;
  const ClusterOptions* options = &prepared.options;
  const auto wall_start = prepared.wall_start;
  Cluster& cluster = *prepared.cluster;
  // A false positive is a live neighbour declared failed, or a working link declared broken.
  const auto verdicts = [&] {
    uint64_t n = 0;
    for (const NodeId& id : cluster.ids) {
      n += cluster.Core(id)->peers_declared_failed() + cluster.Core(id)->links_declared_broken();
    }
    return n;
  };
  const uint64_t verdicts_before = verdicts();
  const SimStats before = cluster.world.stats();
  const Duration window = std::chrono::minutes(10);
  cluster.world.RunFor(window);
  const SimStats after = cluster.world.stats();
  size_t gm_bytes = 0;
  for (const NodeId& id : cluster.ids) {
    gm_bytes = std::max(gm_bytes, cluster.Core(id)->global().MemoryBytes());
  }
  const double node_seconds = static_cast<double>(cluster.ids.size()) * 600.0;
  const uint64_t false_positives = verdicts() - verdicts_before;
  const bool ok = false_positives == 0;
  if (!options->quiet) PrintSentByKind(cluster);
  std::printf("%s,\"window_s\":600,\"false_positives\":%" PRIu64
              ",\"msgs_per_node_s\":%.2f,\"bytes_per_node_s\":%.0f,\"gm_bytes\":%zu,"
              "\"wall_ms\":%.0f}\n",
              Common("idle", ok, *options).c_str(), false_positives,
              static_cast<double>(after.messages_sent - before.messages_sent) / node_seconds,
              static_cast<double>(after.bytes_encoded - before.bytes_encoded) / node_seconds,
              gm_bytes, WallMsSince(wall_start));
  return ok ? 0 : 1;
}

}  // namespace lashup::tools
