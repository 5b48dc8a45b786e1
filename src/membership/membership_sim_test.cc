// The membership core in the simulator: the overlay plus the global membership table. Nodes
// that boot together through three contact nodes end in one component (the departition prober
// merges the groups that form around each contact), and every node's table holds every member.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "lashup/testing/sim_world.h"
#include "membership/membership_core.h"
#include "storage/memory_storage.h"

namespace lashup::membership {
namespace {

using std::chrono::seconds;

NodeId Node(int i) { return NodeId::FromLiteral("n" + std::to_string(i)); }

struct Cluster {
  Cluster(int nodes, uint64_t seed) : world(Options(seed)) {
    MembershipConfig config;
    for (int i = 0; i < 3; ++i) config.contacts.push_back(Node(i));
    for (int i = 0; i < nodes; ++i) {
      ids.push_back(Node(i));
      EXPECT_TRUE(world.AddNode(Node(i), MembershipCoreFactory(config)).ok());
    }
  }
  static SimOptions Options(uint64_t seed) {
    SimOptions options;
    options.seed = seed;
    return options;
  }
  MembershipCore* Core(const NodeId& id) {
    return dynamic_cast<MembershipCore*>(world.GetCore(id));
  }
  // Every live node's table lists every live node, all reachable, and the overlay's links agree
  // with the tables.
  bool Converged() {
    std::set<NodeId> alive;
    for (const NodeId& id : ids) {
      if (world.IsAlive(id)) alive.insert(id);
    }
    for (const NodeId& id : alive) {
      const GlobalMembership& gm = Core(id)->global();
      if (gm.members().size() != alive.size()) return false;
      std::set<NodeId> reachable = gm.Reachable();
      for (const NodeId& other : alive) {
        if (!reachable.contains(other)) return false;
      }
      for (const NodeId& peer : Core(id)->hyparview().active()) {
        if (!alive.contains(peer) || !Core(peer)->hyparview().IsActive(id)) return false;
      }
    }
    return true;
  }

  SimWorld world;
  std::vector<NodeId> ids;
};

TEST(MembershipSim, FortyNodesBootingTogetherEndInOneComponentKnownToAll) {
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    Cluster cluster(40, seed);
    EXPECT_TRUE(cluster.world.RunUntil([&] { return cluster.Converged(); }, seconds(60)))
        << "seed " << seed;
    for (const NodeId& id : cluster.ids) {
      EXPECT_EQ(cluster.Core(id)->global().members().size(), 40u) << id << " seed " << seed;
    }
  }
}

// A node that hangs (paused: its links stay open, so only the failure detector can notice) is
// unreachable from every survivor within 3 s; before that, a minute without faults declares no
// live neighbour failed.
TEST(MembershipSim, AHungNodeIsDetectedQuicklyAndIdleTimeHasNoFalsePositives) {
  for (uint64_t seed : {1, 2, 3}) {
    Cluster cluster(40, seed);
    ASSERT_TRUE(cluster.world.RunUntil([&] { return cluster.Converged(); }, seconds(60)));
    cluster.world.RunFor(seconds(60));
    uint64_t false_positives = 0;
    for (const NodeId& id : cluster.ids) {
      false_positives += cluster.Core(id)->peers_declared_failed();
    }
    EXPECT_EQ(false_positives, 0u) << "seed " << seed;

    const NodeId hung = Node(20);
    ASSERT_TRUE(cluster.world.Pause(hung).ok());
    const Duration paused_at = cluster.world.now();
    const auto everyone_sees_it_gone = [&] {
      for (const NodeId& id : cluster.ids) {
        if (id == hung) continue;
        if (cluster.Core(id)->global().Reachable().contains(hung)) return false;
      }
      return true;
    };
    ASSERT_TRUE(cluster.world.RunUntil(everyone_sees_it_gone, seconds(10))) << "seed " << seed;
    EXPECT_LE(cluster.world.now() - paused_at, seconds(3)) << "seed " << seed;
  }
}

TEST(MembershipSim, EpochGrowsAcrossRestartsAndIsSynced) {
  Cluster cluster(5, 9);
  cluster.world.RunFor(seconds(5));
  const uint64_t first = cluster.Core(Node(4))->epoch();
  ASSERT_TRUE(cluster.world.Crash(Node(4)).ok());
  ASSERT_TRUE(cluster.world.Restart(Node(4)).ok());  // at once: the wall clock has barely moved
  const uint64_t second = cluster.Core(Node(4))->epoch();
  EXPECT_GT(second, first);
  // Everyone comes to hold the restarted node's record of the new epoch.
  const auto everyone_has_new_epoch = [&] {
    for (const NodeId& id : cluster.ids) {
      const auto& members = cluster.Core(id)->global().members();
      if (!members.contains(Node(4)) || members.at(Node(4)).version.epoch != second) return false;
    }
    return cluster.Converged();
  };
  EXPECT_TRUE(cluster.world.RunUntil(everyone_has_new_epoch, seconds(60)));
}

}  // namespace
}  // namespace lashup::membership
