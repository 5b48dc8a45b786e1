// multicast: N node cores (membership, routing, multicast) converge; then, with --loss P on
// every message and optionally --kill-fraction F of the nodes crashed just before, M messages
// go out from random live origins, one every --interval-ms. Every node subscribes to the topic.
// Figures: delivery_ratio (first deliveries to live nodes other than the origin, over all that
// were expected), duplicates (deliveries beyond one per node and message), latency_p50_ms and
// latency_p99_ms (send to delivery), bytes_per_msg (multicast packets and acks, all nodes, per
// message) with bytes_limit (the acceptance bound 3 * N * (payload + 64)), and the protocol's
// own counters.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/rng.h"
#include "node/node_core.h"
#include "scenario_common.h"
#include "scenarios.h"

namespace lashup::tools {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kTopic[] = "mc";

struct MulticastOptions {
  ClusterOptions cluster;
  uint64_t messages = 100;
  double loss = 0.0;
  double kill_fraction = 0.0;
  uint64_t payload_bytes = 100;
  uint64_t interval_ms = 20;
  uint64_t extra_trees = routing::MulticastConfig{}.extra_trees;
  bool unit_weights = routing::RoutingConfig{}.unit_weights;
  uint64_t hop_cost_us = routing::RoutingConfig{}.hop_cost_us;
};

Result<MulticastOptions> ParseMulticast(const std::vector<std::string>& args) {
  Flags flags;
  MulticastOptions o;
  LASHUP_ASSIGN_OR_RETURN(
      o.cluster, ParseCluster(args, {"messages", "loss", "kill-fraction", "payload-bytes",
                                     "interval-ms", "extra-trees", "hop-cost-us"},
                              {"unit-weights"}, &flags));
  LASHUP_ASSIGN_OR_RETURN(o.messages, flags.Uint("messages", o.messages));
  LASHUP_ASSIGN_OR_RETURN(o.loss, flags.Double("loss", o.loss));
  LASHUP_ASSIGN_OR_RETURN(o.kill_fraction, flags.Double("kill-fraction", o.kill_fraction));
  LASHUP_ASSIGN_OR_RETURN(o.payload_bytes, flags.Uint("payload-bytes", o.payload_bytes));
  LASHUP_ASSIGN_OR_RETURN(o.interval_ms, flags.Uint("interval-ms", o.interval_ms));
  LASHUP_ASSIGN_OR_RETURN(o.extra_trees, flags.Uint("extra-trees", o.extra_trees));
  if (o.extra_trees > 16) return InvalidArgumentError("--extra-trees at most 16");
  o.unit_weights = o.unit_weights || flags.Has("unit-weights");
  LASHUP_ASSIGN_OR_RETURN(o.hop_cost_us, flags.Uint("hop-cost-us", o.hop_cost_us));
  if (o.hop_cost_us > 1'000'000) return InvalidArgumentError("--hop-cost-us at most 1000000");
  if (o.messages == 0) return InvalidArgumentError("--messages must be at least 1");
  if (o.loss < 0 || o.loss >= 1) return InvalidArgumentError("--loss must be in [0, 1)");
  if (o.kill_fraction < 0 || o.kill_fraction >= 0.5) {
    return InvalidArgumentError("--kill-fraction must be in [0, 0.5)");
  }
  if (o.payload_bytes > (1u << 20)) return InvalidArgumentError("--payload-bytes at most 1 MiB");
  return o;
}

struct McCluster {
  explicit McCluster(const MulticastOptions& o) : world(SimOptionsFor(o.cluster)) {
    const ClusterOptions& options = o.cluster;
    const uint64_t extra_trees = o.extra_trees;
    NodeCoreConfig config;
    config.routing.unit_weights = o.unit_weights;
    config.routing.hop_cost_us = static_cast<uint32_t>(o.hop_cost_us);
    config.multicast.extra_trees = static_cast<uint32_t>(extra_trees);
    config.topics = {kTopic};
    for (uint64_t i = 0; i < 3; ++i) config.membership.contacts.push_back(NodeName(i));
    for (uint64_t i = 0; i < options.nodes; ++i) {
      ids.push_back(NodeName(i));
      (void)world.AddNode(ids.back(), NodeCoreFactory(config));
    }
  }
  NodeCore* Core(const NodeId& id) { return dynamic_cast<NodeCore*>(world.GetCore(id)); }
  // Every node's own tree reaches every node.
  bool Converged() {
    for (const NodeId& id : ids) {
      if (Core(id)->router().LocalTree().reached() != ids.size()) return false;
    }
    return true;
  }

  SimWorld world;
  std::vector<NodeId> ids;
};

struct Tally {
  std::map<std::string, Duration> sent_at;  // "origin/seq"
  std::map<std::pair<NodeId, std::string>, int> deliveries;
  std::vector<double> latencies_ms;
  uint64_t duplicates = 0;
  // Member records that some node stored anew while messages were under way: graph changes
  // that trees computed on different nodes may not yet agree on.
  uint64_t record_changes = 0;
};

void Observe(McCluster& cluster, Tally& tally) {
  cluster.world.SetStepObserver([&tally](const NodeId& id, Duration at, const Effects& out) {
    for (const Event& event : out.events()) {
      if (std::holds_alternative<MemberChanged>(event)) ++tally.record_changes;
      const auto* d = std::get_if<McDelivered>(&event);
      if (d == nullptr) continue;
      const std::string key = d->origin.str() + "/" + std::to_string(d->seq);
      if (++tally.deliveries[{id, key}] > 1) {
        ++tally.duplicates;
        continue;
      }
      auto sent = tally.sent_at.find(key);
      if (sent != tally.sent_at.end()) tally.latencies_ms.push_back(MsOf(at - sent->second));
    }
  });
}

// Crashes round(fraction * N) random nodes; returns the live ones.
std::vector<NodeId> Kill(McCluster& cluster, double fraction, Rng& rng) {
  std::vector<NodeId> shuffled = cluster.ids;
  rng.Shuffle(shuffled);
  const size_t dead = static_cast<size_t>(fraction * static_cast<double>(shuffled.size()) + 0.5);
  for (size_t i = 0; i < dead; ++i) (void)cluster.world.Crash(shuffled[i]);
  std::vector<NodeId> live;
  for (const NodeId& id : cluster.ids) {
    if (cluster.world.IsAlive(id)) live.push_back(id);
  }
  return live;
}

uint64_t McBytes(const SimStats& stats) {
  uint64_t bytes = 0;
  for (const char* kind : {"mc_packet", "mc_ack"}) {
    auto it = stats.bytes_by_kind.find(kind);
    if (it != stats.bytes_by_kind.end()) bytes += it->second;
  }
  return bytes;
}

// Links the failure detectors dropped (dead, or broken while the peer lived), all nodes.
uint64_t LinkVerdicts(McCluster& cluster) {
  uint64_t n = 0;
  for (const NodeId& id : cluster.ids) {
    if (const NodeCore* core = cluster.Core(id)) {
      n += core->membership().peers_declared_failed() + core->membership().links_declared_broken();
    }
  }
  return n;
}

// The deepest tree, in hops, among the trees of `roots` as `observer`'s router computes them.
size_t MaxTreeHops(McCluster& cluster, const NodeId& observer, const std::set<NodeId>& roots) {
  NodeCore* core = cluster.Core(observer);
  if (core == nullptr) return 0;
  size_t hops = 0;
  for (const NodeId& root : roots) {
    const routing::ShortestPathTree* tree = core->router().Tree(root);
    if (tree == nullptr) continue;
    for (routing::Vertex v : core->router().graph().Vertices()) {
      const size_t path = tree->PathTo(v).size();
      if (path > 0) hops = std::max(hops, path - 1);
    }
  }
  return hops;
}

routing::MulticastStats SumStats(McCluster& cluster, const std::vector<NodeId>& live) {
  routing::MulticastStats sum;
  for (const NodeId& id : live) {
    const routing::MulticastStats& s = cluster.Core(id)->multicast().stats();
    sum.retransmitted += s.retransmitted;
    sum.given_up += s.given_up;
    sum.off_tree += s.off_tree;
    sum.bypassed += s.bypassed;
    sum.unconnected_children += s.unconnected_children;
    sum.ttl_expired += s.ttl_expired;
  }
  return sum;
}

}  // namespace

int RunMulticastScenario(const std::vector<std::string>& args) {
  auto parsed = ParseMulticast(args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "lashup-sim multicast: %s\n", parsed.status().ToString().c_str());
    return 2;
  }
  const MulticastOptions& o = *parsed;
  const auto wall_start = std::chrono::steady_clock::now();
  McCluster cluster(o);
  if (!cluster.world.RunUntil([&] { return cluster.Converged(); }, seconds(120))) {
    std::printf("%s,\"error\":\"no convergence\"}\n", Common("multicast", false, o.cluster).c_str());
    return 1;
  }
  if (!o.cluster.quiet) {
    std::fprintf(stderr, "[%8.3fs] every node's tree reaches everyone\n",
                 cluster.world.now().count() / 1e9);
  }
  cluster.world.RunFor(seconds(10));
  Rng rng(o.cluster.seed ^ 0x6d63);
  NetworkConfig network = SimOptionsFor(o.cluster).network;
  network.loss = o.loss;
  cluster.world.SetNetwork(network);
  const std::vector<NodeId> live = Kill(cluster, o.kill_fraction, rng);
  Tally tally;
  Observe(cluster, tally);
  const SimStats before = cluster.world.stats();
  const uint64_t verdicts_before = LinkVerdicts(cluster);
  const std::vector<uint8_t> payload(o.payload_bytes, 0x5a);
  for (uint64_t m = 0; m < o.messages; ++m) {
    const NodeId origin = rng.Pick(live);
    (void)cluster.world.Invoke(origin, [&](Core& core, const Now& now, Effects& out) {
      Result<uint64_t> seq = dynamic_cast<NodeCore&>(core).Multicast(now, kTopic, payload, out);
      if (seq.ok()) tally.sent_at[origin.str() + "/" + std::to_string(*seq)] = cluster.world.now();
    });
    cluster.world.RunFor(milliseconds(o.interval_ms));
  }
  cluster.world.RunFor(seconds(15));  // resends run their course
  const uint64_t bytes = McBytes(cluster.world.stats()) - McBytes(before);
  const uint64_t expected = tally.sent_at.size() * (live.size() - 1);
  uint64_t delivered = 0;
  for (const auto& [key, n] : tally.deliveries) {
    if (cluster.world.IsAlive(key.first)) ++delivered;
  }
  const double ratio = expected == 0 ? 0.0 : static_cast<double>(delivered) / expected;
  const double bytes_per_msg = static_cast<double>(bytes) / static_cast<double>(o.messages);
  const double limit = 3.0 * static_cast<double>(o.cluster.nodes) * (o.payload_bytes + 64.0);
  const double want = o.kill_fraction > 0 ? 0.0 : (o.loss > 0 ? 0.999 : 1.0);
  const bool ok = tally.sent_at.size() == o.messages && tally.duplicates == 0 && ratio >= want;
  const routing::MulticastStats s = SumStats(cluster, live);
  const uint64_t link_verdicts = LinkVerdicts(cluster) - verdicts_before;
  std::set<NodeId> origins;
  for (const auto& [key, at] : tally.sent_at) {
    origins.insert(NodeId::FromLiteral(key.substr(0, key.find('/'))));
  }
  const size_t max_hops = MaxTreeHops(cluster, live.front(), origins);
  std::optional<double> p50;
  std::optional<double> p99;
  if (!tally.latencies_ms.empty()) {
    p50 = Percentile(tally.latencies_ms, 0.5);
    p99 = Percentile(tally.latencies_ms, 0.99);
  }
  std::printf("%s,\"messages\":%" PRIu64 ",\"loss\":%g,\"kill_fraction\":%g,\"live\":%zu,"
              "\"payload_bytes\":%" PRIu64 ",\"extra_trees\":%" PRIu64 ",\"unit_weights\":%s,\"delivery_ratio\":%.6f,\"duplicates\":%" PRIu64
              ",\"latency_p50_ms\":%s,\"latency_p99_ms\":%s,\"bytes_per_msg\":%.0f,"
              "\"bytes_limit\":%.0f,\"retransmitted\":%" PRIu64 ",\"given_up\":%" PRIu64
              ",\"bypassed\":%" PRIu64 ",\"ttl_expired\":%" PRIu64 ",\"max_tree_hops\":%zu,\"off_tree\":%" PRIu64
              ",\"unconnected_children\":%" PRIu64 ",\"links_dropped\":%" PRIu64 ",\"record_changes\":%" PRIu64
              ",\"wall_ms\":%.0f}\n",
              Common("multicast", ok, o.cluster).c_str(), o.messages, o.loss, o.kill_fraction,
              live.size(), o.payload_bytes, o.extra_trees, o.unit_weights ? "true" : "false", ratio, tally.duplicates, Fixed(p50, "%.2f").c_str(),
              Fixed(p99, "%.2f").c_str(), bytes_per_msg, limit, s.retransmitted, s.given_up,
              s.bypassed, s.ttl_expired, max_hops, s.off_tree, s.unconnected_children, link_verdicts, tally.record_changes,
              WallMsSince(wall_start));
  return ok ? 0 : 1;
}

}  // namespace lashup::tools
