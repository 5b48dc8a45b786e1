// The composed node core in the simulator: routes follow the membership table, reachability
// answers "is it up?", and multicast reaches every subscriber once, through loss and crashes.
#include "node/node_core.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "lashup/testing/sim_world.h"

namespace lashup {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

NodeId Node(int i) { return NodeId::FromLiteral("n" + std::to_string(i)); }

struct Cluster {
  Cluster(int n, uint64_t seed) : world(Options(seed)) {
    NodeCoreConfig config;
    config.topics = {"t"};
    for (int i = 0; i < 3; ++i) config.membership.contacts.push_back(Node(i));
    for (int i = 0; i < n; ++i) {
      ids.push_back(Node(i));
      EXPECT_TRUE(world.AddNode(ids.back(), NodeCoreFactory(config)).ok());
    }
    world.SetStepObserver([this](const NodeId& id, Duration, const Effects& out) {
      for (const Event& event : out.events()) {
        if (const auto* d = std::get_if<McDelivered>(&event)) {
          ++deliveries[{id, d->origin.str() + "/" + std::to_string(d->seq)}];
        }
        if (const auto* r = std::get_if<RoutesChanged>(&event)) last_routes[id] = *r;
      }
    });
  }
  static SimOptions Options(uint64_t seed) {
    SimOptions options;
    options.seed = seed;
    return options;
  }
  NodeCore* Core(const NodeId& id) { return dynamic_cast<NodeCore*>(world.GetCore(id)); }
  // Every live node's router reaches every live node.
  bool AllReachAll() {
    for (const NodeId& id : ids) {
      if (!world.IsAlive(id)) continue;
      for (const NodeId& other : ids) {
        if (world.IsAlive(other) && !Core(id)->router().Reachable(other)) return false;
      }
    }
    return true;
  }
  uint64_t Send(const NodeId& from) {
    uint64_t seq = 0;
    EXPECT_TRUE(world
                    .Invoke(from,
                            [&](lashup::Core& core, const Now& now, Effects& out) {
                              Result<uint64_t> r = dynamic_cast<NodeCore&>(core).Multicast(
                                  now, "t", {1, 2, 3}, out);
                              ASSERT_TRUE(r.ok());
                              seq = *r;
                            })
                    .ok());
    return seq;
  }
  int DeliveredTo(const NodeId& id, const NodeId& origin, uint64_t seq) {
    auto it = deliveries.find({id, origin.str() + "/" + std::to_string(seq)});
    return it == deliveries.end() ? 0 : it->second;
  }

  SimWorld world;
  std::vector<NodeId> ids;
  std::map<std::pair<NodeId, std::string>, int> deliveries;
  std::map<NodeId, RoutesChanged> last_routes;
};

TEST(NodeCoreSim, RoutesFollowTheTableAndTheLastRouteEventIsTheState) {
  Cluster cluster(12, 3);
  ASSERT_TRUE(cluster.world.RunUntil([&] { return cluster.AllReachAll(); }, seconds(30)));
  cluster.world.RunFor(seconds(1));  // the rate limit lets the last event out
  for (const NodeId& id : cluster.ids) {
    EXPECT_EQ(cluster.last_routes[id].reachable, cluster.Core(id)->router().ReachableNodes(id));
    EXPECT_EQ(cluster.last_routes[id].reachable.size(), 12u) << id;
    EXPECT_TRUE(cluster.last_routes[id].unreachable.empty()) << id;
  }
  // A crashed node becomes unreachable everywhere, and the events say so.
  const NodeId dead = Node(7);
  ASSERT_TRUE(cluster.world.Crash(dead).ok());
  ASSERT_TRUE(cluster.world.RunUntil(
      [&] {
        for (const NodeId& id : cluster.ids) {
          if (id != dead && cluster.Core(id)->router().Reachable(dead)) return false;
        }
        return true;
      },
      seconds(10)));
  cluster.world.RunFor(seconds(1));
  for (const NodeId& id : cluster.ids) {
    if (id == dead) continue;
    const std::vector<NodeId>& unreachable = cluster.last_routes[id].unreachable;
    EXPECT_EQ(unreachable, std::vector<NodeId>{dead}) << id;
  }
}

TEST(NodeCoreSim, MulticastReachesEverySubscriberOnce) {
  Cluster cluster(20, 5);
  ASSERT_TRUE(cluster.world.RunUntil([&] { return cluster.AllReachAll(); }, seconds(30)));
  cluster.world.RunFor(seconds(2));
  std::vector<std::pair<NodeId, uint64_t>> sent;
  for (int i = 0; i < 10; ++i) {
    const NodeId origin = Node(i * 7 % 20);
    sent.push_back({origin, cluster.Send(origin)});
    cluster.world.RunFor(milliseconds(20));
  }
  cluster.world.RunFor(seconds(2));
  for (const auto& [origin, seq] : sent) {
    for (const NodeId& id : cluster.ids) {
      EXPECT_EQ(cluster.DeliveredTo(id, origin, seq), id == origin ? 0 : 1)
          << origin << "/" << seq << " at " << id;
    }
  }
}

TEST(NodeCoreSim, LostPacketsAreResentSoEveryoneStillGetsEachMessage) {
  Cluster cluster(20, 9);
  ASSERT_TRUE(cluster.world.RunUntil([&] { return cluster.AllReachAll(); }, seconds(30)));
  cluster.world.RunFor(seconds(2));
  NetworkConfig lossy;
  lossy.loss = 0.05;
  cluster.world.SetNetwork(lossy);
  std::vector<std::pair<NodeId, uint64_t>> sent;
  for (int i = 0; i < 20; ++i) {
    const NodeId origin = Node(i);
    sent.push_back({origin, cluster.Send(origin)});
    cluster.world.RunFor(milliseconds(50));
  }
  cluster.world.RunFor(seconds(3));
  uint64_t retransmitted = 0;
  for (const NodeId& id : cluster.ids) retransmitted += cluster.Core(id)->multicast().stats().retransmitted;
  EXPECT_GT(retransmitted, 0u);
  for (const auto& [origin, seq] : sent) {
    for (const NodeId& id : cluster.ids) {
      EXPECT_EQ(cluster.DeliveredTo(id, origin, seq), id == origin ? 0 : 1)
          << origin << "/" << seq << " at " << id;
    }
  }
}

}  // namespace
}  // namespace lashup
