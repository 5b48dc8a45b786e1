// The KV store across a simulated cluster: deltas reach every node, anti-entropy repairs what
// they miss (loss, partitions, crashes, wiped disks), and every node ends with the same state.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/coverage_probes.h"
#include "lashup/testing/sim_world.h"
#include "node/node_core.h"
#include "storage/memory_storage.h"

namespace lashup {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
namespace ops = crdt::ops;

NodeId Node(int i) { return NodeId::FromLiteral("n" + std::to_string(i)); }

struct KvCluster {
  KvCluster(int n, uint64_t seed, double loss = 0.0) : world(Options(seed, loss)) {
    NodeCoreConfig config;
    for (int i = 0; i < 3; ++i) config.membership.contacts.push_back(Node(i));
    for (int i = 0; i < n; ++i) {
      ids.push_back(Node(i));
      EXPECT_TRUE(world.AddNode(ids.back(), NodeCoreFactory(config)).ok());
    }
  }
  static SimOptions Options(uint64_t seed, double loss) {
    SimOptions options;
    options.seed = seed;
    options.network.loss = loss;
    return options;
  }
  NodeCore* Core(const NodeId& id) { return dynamic_cast<NodeCore*>(world.GetCore(id)); }
  Status Update(const NodeId& id, const kv::KeyPath& key, std::vector<crdt::MapOp> ops) {
    Status status;
    EXPECT_TRUE(world
                    .Invoke(id,
                            [&](lashup::Core& core, const Now& now, Effects& out) {
                              status = dynamic_cast<NodeCore&>(core)
                                           .KvUpdate(now, key, ops, std::nullopt, out)
                                           .status();
                            })
                    .ok());
    return status;
  }
  crdt::SetValue Set(const NodeId& id, const kv::KeyPath& key, const std::string& field) {
    auto value = Core(id)->kv().store().Value(key);
    if (!value.ok()) return {};
    const crdt::Value* v = value->Find(field, crdt::CrdtType::kOrSet);
    return v == nullptr ? crdt::SetValue{} : *v->AsSet();
  }
  // Every live node holds the same keys in the same states (equal digests) and has `keys` keys.
  bool Converged(size_t keys) {
    std::set<uint64_t> roots;
    for (const NodeId& id : ids) {
      if (!world.IsAlive(id)) continue;
      if (Core(id)->kv().store().entries().size() != keys) return false;
      roots.insert(Core(id)->kv().store().digest().Hash(0, 0));
    }
    return roots.size() == 1;
  }
  bool Formed() {
    for (const NodeId& id : ids) {
      if (!world.IsAlive(id)) continue;
      for (const NodeId& other : ids) {
        if (world.IsAlive(other) && !Core(id)->router().Reachable(other)) return false;
      }
    }
    return true;
  }

  SimWorld world;
  std::vector<NodeId> ids;
};

TEST(KvSim, DeltasBringEveryWriteToEveryNode) {
  KvCluster c(12, 1);
  ASSERT_TRUE(c.world.RunUntil([&] { return c.Formed(); }, seconds(30)));
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(c.Update(c.ids[i % 12], {"svc", std::to_string(i % 7)},
                         {ops::Add("backends", "b" + std::to_string(i))})
                    .ok());
    c.world.RunFor(milliseconds(5));
  }
  ASSERT_TRUE(c.world.RunUntil([&] { return c.Converged(7); }, seconds(2)));
  for (const NodeId& id : c.ids) {
    EXPECT_EQ(c.Set(id, {"svc", "0"}, "backends").size(), 6u) << id;
  }
  // Multicast carried every delta to every other node (anti-entropy may race it, harmlessly).
  for (int n = 0; n < 12; ++n) {
    const uint64_t own_writes = n < 40 % 12 ? 40 / 12 + 1 : 40 / 12;
    EXPECT_EQ(c.Core(c.ids[n])->kv().stats().deltas_received, 40u - own_writes) << c.ids[n];
    EXPECT_EQ(c.Core(c.ids[n])->kv().stats().gaps_seen, 0u) << c.ids[n];
  }
}

TEST(KvSim, DivergentWritesOnBothSidesOfAPartitionMergeAfterTheHeal) {
  KvCluster c(10, 2);
  ASSERT_TRUE(c.world.RunUntil([&] { return c.Formed(); }, seconds(30)));
  std::vector<NodeId> left(c.ids.begin(), c.ids.begin() + 5);
  std::vector<NodeId> right(c.ids.begin() + 5, c.ids.end());
  const PartitionId cut = c.world.Partition(left, right);
  c.world.RunFor(seconds(10));
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(c.Update(c.ids[i], {"shared"}, {ops::Add("s", c.ids[i].str())}).ok());
    ASSERT_TRUE(c.Update(c.ids[i], {"own", c.ids[i].str()}, {ops::Increment("c", i + 1)}).ok());
  }
  c.world.RunFor(seconds(5));
  EXPECT_EQ(c.Set(c.ids[0], {"shared"}, "s").size(), 5u);  // only its side's writes so far
  ASSERT_TRUE(c.world.Heal(cut).ok());
  ASSERT_TRUE(c.world.RunUntil([&] { return c.Converged(11); }, seconds(60)));
  for (const NodeId& id : c.ids) EXPECT_EQ(c.Set(id, {"shared"}, "s").size(), 10u) << id;
}

TEST(KvSim, LossyLinksStillConverge) {
  KvCluster c(10, 3, /*loss=*/0.1);
  ASSERT_TRUE(c.world.RunUntil([&] { return c.Formed(); }, seconds(60)));
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(c.Update(c.ids[i % 10], {"k", std::to_string(i)}, {ops::Enable("f")}).ok());
  }
  ASSERT_TRUE(c.world.RunUntil([&] { return c.Converged(30); }, seconds(60)));
}

TEST(KvSim, ARestartedNodeKeepsItsWritesAndCatchesUpOnWhatItMissed) {
  KvCluster c(8, 4);
  ASSERT_TRUE(c.world.RunUntil([&] { return c.Formed(); }, seconds(30)));
  const NodeId victim = c.ids[5];
  ASSERT_TRUE(c.Update(victim, {"mine"}, {ops::Add("s", "kept")}).ok());
  const crdt::ActorId actor = c.Core(victim)->kv().store().actor();
  c.world.RunFor(seconds(1));
  ASSERT_TRUE(c.world.Crash(victim).ok());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(c.Update(c.ids[i % 5], {"while-down", std::to_string(i)}, {ops::Enable("f")}).ok());
  }
  c.world.RunFor(seconds(2));
  ASSERT_TRUE(c.world.Restart(victim).ok());
  // Its own write was synced before it was acknowledged.
  EXPECT_EQ(c.Set(victim, {"mine"}, "s"), crdt::SetValue{"kept"});
  EXPECT_EQ(c.Core(victim)->kv().store().actor(), actor);
  ASSERT_TRUE(c.world.RunUntil([&] { return c.Converged(21); }, seconds(30)));
  EXPECT_GT(c.Core(victim)->kv().anti_entropy().stats().keys_repaired, 0u);
  EXPECT_GT(c.world.stats().probes.count(kProbeAeKeyRepaired), 0u);
}

TEST(KvSim, ANodeWithAWipedDiskTakesANewActorAndItsNewWritesSurviveTheJoin) {
  KvCluster c(6, 5);
  ASSERT_TRUE(c.world.RunUntil([&] { return c.Formed(); }, seconds(30)));
  const NodeId victim = c.ids[4];
  ASSERT_TRUE(c.Update(victim, {"k"}, {ops::Add("s", "before")}).ok());
  ASSERT_TRUE(c.world.RunUntil([&] { return c.Converged(1); }, seconds(5)));
  const crdt::ActorId old_actor = c.Core(victim)->kv().store().actor();
  ASSERT_TRUE(c.world.Crash(victim).ok());
  *c.world.GetStorage(victim) = MemoryStorage();
  ASSERT_TRUE(c.world.Restart(victim).ok());
  EXPECT_NE(c.Core(victim)->kv().store().actor(), old_actor);
  // Written before it has caught up: with the old actor these dots would collide with "before".
  ASSERT_TRUE(c.Update(victim, {"k"}, {ops::Add("s", "after")}).ok());
  ASSERT_TRUE(c.world.RunUntil([&] { return c.Converged(1); }, seconds(30)));
  for (const NodeId& id : c.ids) {
    EXPECT_EQ(c.Set(id, {"k"}, "s"), (crdt::SetValue{"after", "before"})) << id;
  }
}

TEST(KvSim, TheSameSeedGivesTheSameRun) {
  auto run = [](uint64_t seed) {
    KvCluster c(6, seed, 0.05);
    c.world.RunFor(seconds(5));
    for (int i = 0; i < 10; ++i) {
      EXPECT_TRUE(c.Update(c.ids[i % 6], {"k", std::to_string(i % 3)}, {ops::Add("s", "x")}).ok());
    }
    c.world.RunFor(seconds(5));
    return std::make_pair(c.world.TraceHash(), c.world.stats().probes);
  };
  const auto first = run(9);
  EXPECT_EQ(first, run(9));
  EXPECT_FALSE(first.second.empty());  // 5% loss takes some rare paths
}

}  // namespace
}  // namespace lashup
