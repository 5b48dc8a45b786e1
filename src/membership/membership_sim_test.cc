// The membership core in the simulator: the overlay plus the global membership table. Nodes
// that boot together through three contact nodes end in one component (the departition prober
// merges the groups that form around each contact), and every node's table holds every member.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/coverage_probes.h"
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

// The original's asymmetric case: agents in two groups cannot reach each other, while everyone
// reaches the masters (the contacts). No live node may ever look unreachable: links across the
// cut are found broken (helpers, a master among them, still reach the peer) and replaced, and a
// node whose links all crossed the cut stays listed by its old neighbours until it has new ones.
TEST(MembershipSim, AnAsymmetricCutMakesNoLiveNodeUnreachable) {
  for (uint64_t seed : {1, 2, 3}) {
    Cluster cluster(25, seed);
    ASSERT_TRUE(cluster.world.RunUntil([&] { return cluster.Converged(); }, seconds(60)));
    cluster.world.RunFor(seconds(10));
    std::vector<NodeId> group1(cluster.ids.begin() + 3, cluster.ids.begin() + 11);
    std::vector<NodeId> group2(cluster.ids.begin() + 11, cluster.ids.end());
    cluster.world.Partition(group1, group2);
    size_t crossing_at_cut = 0;
    for (const NodeId& id : group1) {
      for (const NodeId& peer : cluster.Core(id)->hyparview().active()) {
        crossing_at_cut += std::count(group2.begin(), group2.end(), peer);
      }
    }
    ASSERT_GT(crossing_at_cut, 0u) << "seed " << seed << ": the cut must cut something";
    uint64_t broken = 0;
    for (int sample = 0; sample < 300; ++sample) {
      cluster.world.RunFor(std::chrono::milliseconds(100));
      for (const NodeId& id : cluster.ids) {
        const std::set<NodeId> reachable = cluster.Core(id)->global().Reachable();
        std::string missing;
        for (const NodeId& other : cluster.ids) {
          if (!reachable.contains(other)) missing += " " + other.str();
        }
        ASSERT_EQ(reachable.size(), cluster.ids.size())
            << id << " finds" << missing << " unreachable at sample " << sample << " seed " << seed;
      }
    }
    for (const NodeId& id : cluster.ids) {
      broken += cluster.Core(id)->links_declared_broken();
      EXPECT_TRUE(cluster.Core(id)->held().empty()) << id << " seed " << seed;
      for (const auto& [node, member] : cluster.Core(id)->global().members()) {
        for (const GmLink& link : member.links) {
          EXPECT_FALSE(link.held) << node << "->" << link.peer << " in " << id << "'s table";
        }
      }
      const bool in1 = std::count(group1.begin(), group1.end(), id) > 0;
      const bool in2 = std::count(group2.begin(), group2.end(), id) > 0;
      for (const NodeId& peer : cluster.Core(id)->hyparview().active()) {
        EXPECT_FALSE(in1 && std::count(group2.begin(), group2.end(), peer) > 0) << id << peer;
        EXPECT_FALSE(in2 && std::count(group1.begin(), group1.end(), peer) > 0) << id << peer;
      }
    }
    EXPECT_GT(broken, 0u) << "seed " << seed;
  }
}

uint64_t Hits(const SimWorld& world, std::string_view probe) {
  const auto it = world.stats().probes.find(probe);
  return it == world.stats().probes.end() ? 0 : it->second;
}

// Coverage probes name the rare paths a run took: none of the failure paths while the cluster
// idles; a hung node is confirmed dead by its neighbours' failure detectors after the indirect
// probes fail, and its record leaves their tables; a restarted node's new epoch is seen.
TEST(MembershipSim, ProbesCountTheRarePathsAHungAndARestartedNodeTake) {
  Cluster cluster(12, 6);
  ASSERT_TRUE(cluster.world.RunUntil([&] { return cluster.Converged(); }, seconds(60)));
  cluster.world.RunFor(seconds(10));
  EXPECT_EQ(Hits(cluster.world, kProbeFdSuspectConfirmedDead), 0u);
  EXPECT_EQ(Hits(cluster.world, kProbeGmRestartSeen), 0u);
  EXPECT_GT(Hits(cluster.world, kProbeHvForwardJoinEnded), 0u);  // every join walks

  const NodeId hung = Node(7);
  const size_t neighbours = cluster.Core(hung)->hyparview().active().size();
  ASSERT_GT(neighbours, 0u);
  ASSERT_TRUE(cluster.world.Pause(hung).ok());
  const auto everyone_sees_it_gone = [&] {
    for (const NodeId& id : cluster.ids) {
      if (id != hung && cluster.Core(id)->global().Reachable().contains(hung)) return false;
    }
    return true;
  };
  ASSERT_TRUE(cluster.world.RunUntil(everyone_sees_it_gone, seconds(10)));
  // Each neighbour that was monitoring it declared it failed.
  EXPECT_GE(Hits(cluster.world, kProbeFdSuspectConfirmedDead), 1u);
  EXPECT_LE(Hits(cluster.world, kProbeFdSuspectConfirmedDead), neighbours);
  ASSERT_TRUE(cluster.world.Resume(hung).ok());
  ASSERT_TRUE(cluster.world.RunUntil([&] { return cluster.Converged(); }, seconds(60)));

  ASSERT_TRUE(cluster.world.Crash(Node(4)).ok());
  ASSERT_TRUE(cluster.world.Restart(Node(4)).ok());
  ASSERT_TRUE(cluster.world.RunUntil([&] { return cluster.Converged(); }, seconds(60)));
  EXPECT_GE(Hits(cluster.world, kProbeGmRestartSeen), cluster.ids.size() - 1);
  // Every name counted is a registered one.
  for (const auto& [name, hits] : cluster.world.stats().probes) {
    const auto all = AllProbes();
    EXPECT_TRUE(std::any_of(all.begin(), all.end(),
                            [&](const ProbeInfo& p) { return name == p.name; }))
        << name;
    EXPECT_GT(hits, 0u) << name;
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

namespace lashup::membership {
namespace {

// A restarted node asks its saved neighbours first: it sends no join to a contact, and is back
// in a converged cluster soon.
TEST(MembershipSim, RestartRejoinsThroughSavedViewsNotContacts) {
  Cluster cluster(12, 21);
  ASSERT_TRUE(cluster.world.RunUntil([&] { return cluster.Converged(); }, seconds(60)));
  cluster.world.RunFor(seconds(5));  // the views are saved within 2 s of changing
  const NodeId node = Node(9);
  const std::vector<NodeId> before = cluster.Core(node)->hyparview().active();
  std::vector<std::pair<NodeId, Message>> sent;
  cluster.world.SetStepObserver([&](const NodeId& id, Duration, const Effects& out) {
    if (id != node) return;
    for (const NetOp& op : out.net()) {
      if (op.kind == NetOp::Kind::kSend) sent.emplace_back(op.peer, op.message);
    }
  });
  ASSERT_TRUE(cluster.world.Crash(node).ok());
  ASSERT_TRUE(cluster.world.Restart(node).ok());
  ASSERT_TRUE(cluster.world.RunUntil([&] { return cluster.Converged(); }, seconds(30)));
  bool asked_old_neighbour = false;
  for (const auto& [peer, message] : sent) {
    EXPECT_FALSE(std::holds_alternative<HvJoin>(message)) << "joined through " << peer;
    if (std::holds_alternative<HvNeighbor>(message) &&
        std::find(before.begin(), before.end(), peer) != before.end()) {
      asked_old_neighbour = true;
    }
  }
  EXPECT_TRUE(asked_old_neighbour);
}

TEST(MembershipSim, ContactsSetAtRunTimeSurviveARestart) {
  Cluster cluster(5, 4);
  ASSERT_TRUE(cluster.world.RunUntil([&] { return cluster.Converged(); }, seconds(60)));
  const NodeId node = Node(4);
  ASSERT_TRUE(cluster.world
                  .Invoke(node,
                          [](Core& core, const Now& now, Effects& out) {
                            dynamic_cast<MembershipCore&>(core).SetContacts(
                                now, {Node(3), Node(4)}, out);
                          })
                  .ok());
  ASSERT_TRUE(cluster.world.Crash(node).ok());
  ASSERT_TRUE(cluster.world.Restart(node).ok());
  EXPECT_EQ(cluster.Core(node)->hyparview().contacts(), std::vector<NodeId>{Node(3)});
}

// Views and members are reported as events, and messages are counted by kind.
TEST(MembershipSim, EmitsViewAndMemberEventsAndCountsMessages) {
  Cluster cluster(6, 8);
  std::map<NodeId, std::set<NodeId>> added;
  size_t view_events = 0;
  cluster.world.SetStepObserver([&](const NodeId& id, Duration, const Effects& out) {
    for (const Event& event : out.events()) {
      if (const auto* m = std::get_if<MemberAdded>(&event)) added[id].insert(m->node);
      if (const auto* v = std::get_if<ViewsChanged>(&event)) {
        ++view_events;
        EXPECT_LE(v->active.size(), 7u);
      }
    }
  });
  ASSERT_TRUE(cluster.world.RunUntil([&] { return cluster.Converged(); }, seconds(60)));
  cluster.world.RunFor(seconds(1));
  EXPECT_GT(view_events, 0u);
  for (const NodeId& id : cluster.ids) {
    // The five others (its own record was announced at start, before the observer was set).
    std::set<NodeId> others(cluster.ids.begin(), cluster.ids.end());
    others.erase(id);
    EXPECT_EQ(added[id], others) << id;
    const MessageCounters& counters = cluster.Core(id)->counters();
    EXPECT_GT(counters.sent.at("fd_ping"), 0u) << id;
    EXPECT_GT(counters.received.at("fd_ack"), 0u) << id;
  }
  uint64_t joins = 0;
  for (const NodeId& id : cluster.ids) {
    auto it = cluster.Core(id)->counters().sent.find("hv_join");
    if (it != cluster.Core(id)->counters().sent.end()) joins += it->second;
  }
  EXPECT_GE(joins, 5u);  // every node but the first contact to answer joined somewhere
}

TEST(MembershipConfig, PresetsOrderTheirTimingsLocalLanWan) {
  const MembershipConfig local = MembershipConfig::Local();
  const MembershipConfig lan = MembershipConfig::Lan();
  const MembershipConfig wan = MembershipConfig::Wan();
  EXPECT_EQ(lan.failure_detector.ping_interval, std::chrono::seconds(1));
  EXPECT_EQ(lan.failure_detector.timeout_floor, std::chrono::milliseconds(100));
  EXPECT_EQ(lan.failure_detector.timeout_cap, std::chrono::seconds(1));
  EXPECT_EQ(lan.hyparview.active_size, 7u);
  EXPECT_EQ(lan.hyparview.passive_size, 42u);
  EXPECT_EQ(lan.global.forget_after, std::chrono::hours(24));
  EXPECT_LT(local.failure_detector.ping_interval, lan.failure_detector.ping_interval);
  EXPECT_LT(lan.failure_detector.ping_interval, wan.failure_detector.ping_interval);
  EXPECT_LT(local.failure_detector.timeout_floor, lan.failure_detector.timeout_floor);
  EXPECT_LT(lan.failure_detector.timeout_floor, wan.failure_detector.timeout_floor);
  EXPECT_LT(local.hyparview.neighbor_timeout, wan.hyparview.neighbor_timeout);
  EXPECT_LT(local.min_probe_interval, wan.min_probe_interval);
}

}  // namespace
}  // namespace lashup::membership
