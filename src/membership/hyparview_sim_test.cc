// HyParView in the simulator: many nodes joining through contact nodes form one overlay whose
// links are symmetric, and it repairs itself when nodes crash. SimWorld checks the views'
// invariants after every step.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lashup/testing/sim_world.h"
#include "membership/membership_core.h"

namespace lashup::membership {
namespace {

using std::chrono::seconds;

NodeId Node(int i) { return NodeId::FromLiteral("n" + std::to_string(i)); }

class HyParViewSim {
 public:
  HyParViewSim(int nodes, uint64_t seed) : world_(Options(seed)) {
    MembershipConfig config;
    for (int i = 0; i < 3; ++i) config.contacts.push_back(Node(i));
    for (int i = 0; i < nodes; ++i) {
      ids_.push_back(Node(i));
      EXPECT_TRUE(world_.AddNode(Node(i), MembershipCoreFactory(config)).ok());
    }
  }
  static SimOptions Options(uint64_t seed) {
    SimOptions options;
    options.seed = seed;
    return options;
  }

  const HyParView* View(const NodeId& id) {
    auto* core = dynamic_cast<MembershipCore*>(world_.GetCore(id));
    return core == nullptr ? nullptr : &core->hyparview();
  }
  std::vector<NodeId> Alive() const {
    std::vector<NodeId> alive;
    for (const NodeId& id : ids_) {
      if (world_.IsAlive(id)) alive.push_back(id);
    }
    return alive;
  }

  // Every active link is in both views (a link mid-handshake may be one-sided for a moment, so
  // callers check this after a quiet period).
  std::vector<std::string> OneSidedLinks() {
    std::vector<std::string> bad;
    for (const NodeId& id : Alive()) {
      for (const NodeId& peer : View(id)->active()) {
        const HyParView* other = View(peer);
        if (other == nullptr || !other->IsActive(id)) bad.push_back(id.str() + "->" + peer.str());
      }
    }
    return bad;
  }

  // Nodes reachable from `start` along active links (directed).
  std::set<NodeId> ReachableFrom(const NodeId& start) {
    std::set<NodeId> seen{start};
    std::vector<NodeId> stack{start};
    while (!stack.empty()) {
      const NodeId id = stack.back();
      stack.pop_back();
      for (const NodeId& peer : View(id)->active()) {
        if (View(peer) != nullptr && seen.insert(peer).second) stack.push_back(peer);
      }
    }
    return seen;
  }
  // One strongly connected component: with symmetric links, everyone reaches everyone from one
  // node and the graph is its own reverse.
  bool OneComponent() {
    const std::vector<NodeId> alive = Alive();
    return OneSidedLinks().empty() && ReachableFrom(alive.front()).size() == alive.size();
  }

  SimWorld world_;
  std::vector<NodeId> ids_;
};

// The overlay alone (no global membership here): links end symmetric and views fill. HyParView
// alone does not promise one component when many nodes boot at once through a few contacts
// (groups form around each contact, and full views refuse the low-priority requests that would
// merge them); the membership core's departition prober does, see membership_sim_test.cc.
TEST(HyParViewSim, LinksEndSymmetricAndViewsFill) {
  for (uint64_t seed : {1, 2, 3}) {
    HyParViewSim sim(40, seed);
    sim.world_.RunFor(seconds(30));
    EXPECT_EQ(sim.OneSidedLinks(), std::vector<std::string>{}) << "seed " << seed;
    size_t full = 0;
    for (const NodeId& id : sim.Alive()) {
      const HyParView* hv = sim.View(id);
      EXPECT_GE(hv->active().size(), 2u) << id << " seed " << seed;
      if (hv->active().size() >= 5) ++full;
    }
    EXPECT_GE(full, 30u) << "seed " << seed;  // most views near their size of 7
  }
}

TEST(HyParViewSim, CrashedNodesLeaveEveryActiveViewAndViewsRefill) {
  HyParViewSim sim(40, 11);
  sim.world_.RunFor(seconds(20));
  for (int i = 30; i < 40; ++i) ASSERT_TRUE(sim.world_.Crash(Node(i)).ok());
  sim.world_.RunFor(seconds(30));
  EXPECT_EQ(sim.OneSidedLinks(), std::vector<std::string>{});
  for (const NodeId& id : sim.Alive()) {
    const HyParView* hv = sim.View(id);
    for (const NodeId& peer : hv->active()) EXPECT_TRUE(sim.world_.IsAlive(peer)) << id;
    EXPECT_GE(hv->active().size(), 2u) << id;
  }
}

TEST(HyParViewSim, SameSeedSameRun) {
  uint64_t hashes[2];
  for (uint64_t& hash : hashes) {
    HyParViewSim sim(20, 5);
    sim.world_.RunFor(seconds(15));
    hash = sim.world_.TraceHash();
  }
  EXPECT_EQ(hashes[0], hashes[1]);
}

}  // namespace
}  // namespace lashup::membership
