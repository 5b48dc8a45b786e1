// Membership scenarios: a cluster of membership cores (src/membership) in the simulator, with
// figures of how fast the overlay and the global membership table form.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "flags.h"
#include "lashup/testing/sim_world.h"
#include "core/rng.h"
#include "membership/membership_core.h"
#include "scenarios.h"

namespace lashup::tools {
namespace {

using std::chrono::milliseconds;

struct ClusterOptions {
  uint64_t nodes = 25;
  uint64_t seed = 1;
  double latency_min_ms = 0.2;
  double latency_mean_ms = 1.0;  // mean one-way latency, minimum included
  bool quiet = false;
};

Result<ClusterOptions> ParseCluster(const std::vector<std::string>& args) {
  LASHUP_ASSIGN_OR_RETURN(
      Flags flags, Flags::Parse(args, {"nodes", "seed", "latency-ms", "quiet"}, {"quiet"}));
  ClusterOptions options;
  LASHUP_ASSIGN_OR_RETURN(options.nodes, flags.Uint("nodes", options.nodes));
  LASHUP_ASSIGN_OR_RETURN(options.seed, flags.Uint("seed", options.seed));
  LASHUP_ASSIGN_OR_RETURN(auto latency, flags.DoublePair("latency-ms", {0.2, 1.0}));
  options.latency_min_ms = latency.first;
  options.latency_mean_ms = latency.second;
  options.quiet = flags.Has("quiet");
  if (options.nodes < 4) return InvalidArgumentError("--nodes must be at least 4");
  if (options.latency_min_ms < 0 || options.latency_mean_ms < options.latency_min_ms) {
    return InvalidArgumentError("--latency-ms MIN,MEAN needs 0 <= MIN <= MEAN");
  }
  return options;
}

NodeId NodeName(uint64_t i) { return NodeId::FromLiteral("n" + std::to_string(i)); }

Duration Ms(double ms) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms));
}

struct Cluster {
  explicit Cluster(const ClusterOptions& options) : world(Options(options)) {
    membership::MembershipConfig config;
    for (uint64_t i = 0; i < 3; ++i) config.contacts.push_back(NodeName(i));
    for (uint64_t i = 0; i < options.nodes; ++i) {
      ids.push_back(NodeName(i));
      (void)world.AddNode(ids.back(), membership::MembershipCoreFactory(config));
    }
  }
  static SimOptions Options(const ClusterOptions& options) {
    SimOptions sim;
    sim.seed = options.seed;
    sim.network.latency_min = Ms(options.latency_min_ms);
    sim.network.latency_mean = Ms(options.latency_mean_ms - options.latency_min_ms);
    return sim;
  }
  const membership::MembershipCore* Core(const NodeId& id) {
    return dynamic_cast<const membership::MembershipCore*>(world.GetCore(id));
  }

  // Whether the directed graph of active views is one strongly connected component: everyone
  // reaches everyone from n0, along the edges and against them.
  bool OneComponent() {
    std::map<NodeId, std::vector<NodeId>> reverse;
    for (const NodeId& id : ids) {
      for (const NodeId& peer : Core(id)->hyparview().active()) reverse[peer].push_back(id);
    }
    const auto count = [&](bool forward) {
      std::set<NodeId> seen{ids.front()};
      std::vector<NodeId> stack{ids.front()};
      while (!stack.empty()) {
        const NodeId id = stack.back();
        stack.pop_back();
        const std::vector<NodeId>& next =
            forward ? Core(id)->hyparview().active() : reverse[id];
        for (const NodeId& peer : next) {
          if (seen.insert(peer).second) stack.push_back(peer);
        }
      }
      return seen.size();
    };
    return count(true) == ids.size() && count(false) == ids.size();
  }
  bool TablesComplete() {
    for (const NodeId& id : ids) {
      if (Core(id)->global().members().size() != ids.size()) return false;
    }
    return true;
  }

  SimWorld world;
  std::vector<NodeId> ids;
};

std::string JsonMs(std::optional<Duration> d) {
  if (!d) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f",
                std::chrono::duration<double, std::milli>(*d).count());
  return buffer;
}

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

double WallMsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// Whether `target` is reachable from `from` in `from`'s own table.
bool Reaches(const membership::GlobalMembership& table, const NodeId& target) {
  return table.Reachable().contains(target);
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t i = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(i, values.size() - 1)];
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
  auto options = ParseCluster(args);
  if (!options.ok()) {
    std::fprintf(stderr, "lashup-sim fail-one: %s\n", options.status().ToString().c_str());
    return 2;
  }
  const auto wall_start = std::chrono::steady_clock::now();
  Cluster cluster(*options);
  const Convergence c = RunToConvergence(cluster, std::chrono::seconds(120), options->quiet);
  if (!c.ok()) {
    std::printf("{\"scenario\":\"fail-one\",\"ok\":false,\"error\":\"no convergence\"}\n");
    return 1;
  }
  cluster.world.RunFor(std::chrono::seconds(10));
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
      if (!Reaches(cluster.Core(id)->global(), hung)) {
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
