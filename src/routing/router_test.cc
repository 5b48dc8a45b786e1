#include "routing/router.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lashup::routing {
namespace {

using std::chrono::milliseconds;

NodeId Id(const std::string& name) { return NodeId::FromLiteral(name); }

std::vector<NodeId> Ids(const std::vector<std::string>& names) {
  std::vector<NodeId> out;
  for (const std::string& name : names) out.push_back(Id(name));
  return out;
}

class RouterTest : public ::testing::Test {
 protected:
  explicit RouterTest(RoutingConfig config = UnitConfig()) : router_(Id("a"), config) {}
  static RoutingConfig UnitConfig() {
    RoutingConfig config;
    config.unit_weights = true;
    return config;
  }
  // Links as (peer, rtt_us); a negative rtt marks the link held.
  void Links(const std::string& node, const std::vector<std::pair<std::string, int>>& links) {
    std::vector<GmLink> out;
    for (const auto& [peer, rtt] : links) {
      out.push_back({Id(peer), static_cast<uint32_t>(rtt < 0 ? -rtt : rtt), rtt < 0});
    }
    router_.SetLinks(now_, Id(node), out, effects_);
  }
  void Advance(Duration d) { now_.mono += d; }
  std::vector<RoutesChanged> TakeEvents() {
    std::vector<RoutesChanged> events;
    for (const Event& e : effects_.events()) events.push_back(std::get<RoutesChanged>(e));
    effects_.Clear();
    return events;
  }
  // Fires the notify timer if one is set.
  void FireTimer() {
    for (const TimerOp& op : effects_.timers()) {
      if (!op.cancel) now_.mono = std::max(now_.mono, op.at);
    }
    effects_.Clear();
    router_.OnTimer(now_, {Component::kRouting, 1, 0}, effects_);
  }

  Router router_;
  Now now_{Instant(std::chrono::seconds(100)), WallTime()};
  Effects effects_;
};

TEST_F(RouterTest, AnswersDistancePathReachabilityAndChildren) {
  Links("a", {{"b", 1}, {"c", 1}});
  Links("b", {{"a", 1}, {"d", 1}});
  Links("c", {{"a", 1}, {"d", 1}});
  Links("d", {{"b", 1}, {"c", 1}});
  Links("e", {{"d", 1}});  // e reaches the others; nobody lists e
  EXPECT_EQ(router_.Distance(Id("d")), 2u);
  EXPECT_EQ(router_.Path(Id("a"), Id("d")), Ids({"a", "b", "d"}));  // b < c breaks the tie
  EXPECT_EQ(router_.Path(Id("e"), Id("a")), Ids({"e", "d", "b", "a"}));
  EXPECT_TRUE(router_.Reachable(Id("d")));
  EXPECT_FALSE(router_.Reachable(Id("e")));
  EXPECT_EQ(router_.ReachableNodes(Id("a")), Ids({"a", "b", "c", "d"}));
  EXPECT_EQ(router_.UnreachableNodes(Id("a")), Ids({"e"}));
  EXPECT_EQ(router_.Children(Id("a"), Id("a")), Ids({"b", "c"}));
  EXPECT_EQ(router_.Children(Id("a"), Id("b")), Ids({"d"}));
  EXPECT_TRUE(router_.Children(Id("a"), Id("c")).empty());
  EXPECT_EQ(router_.Distance(Id("e"), Id("c")), 2u);
}

TEST_F(RouterTest, UnknownNodesAreUnreachable) {
  Links("a", {{"b", 1}});
  EXPECT_FALSE(router_.Reachable(Id("zz")));
  EXPECT_FALSE(router_.Distance(Id("zz")));
  EXPECT_FALSE(router_.Distance(Id("zz"), Id("a")));
  EXPECT_TRUE(router_.Path(Id("a"), Id("zz")).empty());
  EXPECT_EQ(router_.Tree(Id("zz")), nullptr);
  EXPECT_EQ(router_.ReachableNodes(Id("zz")), Ids({"zz"}));
  EXPECT_EQ(router_.UnreachableNodes(Id("zz")), Ids({"a", "b"}));
  EXPECT_TRUE(router_.Reachable(Id("a")));  // this node, always
}

TEST_F(RouterTest, ForgettingAMemberDropsItsEdges) {
  Links("a", {{"b", 1}});
  Links("b", {{"a", 1}, {"c", 1}});
  Links("c", {{"b", 1}});
  EXPECT_TRUE(router_.Reachable(Id("c")));
  router_.RemoveMember(now_, Id("b"), effects_);
  EXPECT_FALSE(router_.Reachable(Id("c")));
  EXPECT_TRUE(router_.graph().Find(Id("b")));  // a still lists b
}

class WeightedRouterTest : public RouterTest {
 protected:
  WeightedRouterTest() : RouterTest(Config()) {}
  static RoutingConfig Config() {
    RoutingConfig config;
    config.hop_cost_us = 0;  // weights are the round trips alone, to read the figures easily
    return config;
  }
};

TEST_F(WeightedRouterTest, WeightsAreRoundTripsAndUnmeasuredLinksGetTheDefault) {
  Links("a", {{"b", 100}, {"c", 0}});  // c unmeasured: 1000 us
  Links("b", {{"d", 100}});
  Links("c", {{"d", 1}});
  EXPECT_EQ(router_.Distance(Id("c")), 1000u);
  EXPECT_EQ(router_.Path(Id("a"), Id("d")), Ids({"a", "b", "d"}));
}

TEST_F(RouterTest, EachHopCostsItsRoundTripPlusTheHopCost) {
  RoutingConfig config;
  config.hop_cost_us = 1000;
  Router router(Id("a"), config);
  Effects out;
  // a-b-c: 2 hops of 200 us; a-c direct: 1 hop of 1300 us. The direct link wins: 2300 < 2400.
  router.SetLinks(now_, Id("a"), {{Id("b"), 200, false}, {Id("c"), 1300, false}}, out);
  router.SetLinks(now_, Id("b"), {{Id("c"), 200, false}}, out);
  EXPECT_EQ(router.Distance(Id("c")), 2300u);
  EXPECT_EQ(router.Path(Id("a"), Id("c")), Ids({"a", "c"}));
}

TEST_F(WeightedRouterTest, AHeldLinkKeepsItsPeerReachableButCarriesNoPathAnOpenLinkCan) {
  Links("a", {{"b", 100}, {"c", -50}});  // a's link to c is held
  Links("b", {{"a", 100}, {"c", 900}});
  EXPECT_EQ(router_.Path(Id("a"), Id("c")), Ids({"a", "b", "c"}));  // not the held link
  Links("b", {{"a", 100}});
  EXPECT_TRUE(router_.Reachable(Id("c")));  // only the held link left
  EXPECT_EQ(router_.Path(Id("a"), Id("c")), Ids({"a", "c"}));
  EXPECT_GT(*router_.Distance(Id("c")), RoutingConfig{}.held_weight);
}

TEST_F(RouterTest, ChangesInvalidateOnlyTheTreesTheyAlter) {
  // A ring a -> b -> c -> d -> a, and a tree cached for every root.
  Links("a", {{"b", 1}});
  Links("b", {{"c", 1}});
  Links("c", {{"d", 1}});
  Links("d", {{"a", 1}});
  const auto cache_all = [&] {
    for (const char* root : {"a", "b", "c", "d"}) router_.Tree(Id(root));
  };
  cache_all();
  const auto invalidated_by = [&](const auto& change) {
    const uint64_t before = router_.stats().trees_invalidated;
    change();
    const uint64_t n = router_.stats().trees_invalidated - before;
    cache_all();
    return n;
  };
  // d -> c shortens c only for d's tree (the others reach c before d).
  EXPECT_EQ(invalidated_by([&] { Links("d", {{"a", 1}, {"c", 1}}); }), 1u);
  // b -> d shortens d for a's tree and b's, not for c's (c reaches d first) nor d's own.
  EXPECT_EQ(invalidated_by([&] { Links("b", {{"c", 1}, {"d", 1}}); }), 2u);
  EXPECT_EQ(router_.Path(Id("a"), Id("d")), Ids({"a", "b", "d"}));
  EXPECT_EQ(router_.Path(Id("b"), Id("d")), Ids({"b", "d"}));
  // c -> d is now a tree edge of c's tree only.
  EXPECT_EQ(invalidated_by([&] { Links("c", {}); }), 1u);
  EXPECT_EQ(router_.Path(Id("c"), Id("a")), std::vector<NodeId>{});
  // A change to the same edges alters nothing, and trees left alone are served from the cache.
  const uint64_t computed = router_.stats().trees_computed;
  EXPECT_EQ(invalidated_by([&] { Links("b", {{"d", 1}, {"c", 1}}); }), 0u);
  EXPECT_EQ(router_.stats().trees_computed, computed);
}

TEST_F(RouterTest, AnEqualPathThroughASmallerIdReplacesTheParent) {
  Links("a", {{"m", 1}});
  Links("m", {{"x", 1}});
  EXPECT_EQ(router_.Path(Id("a"), Id("x")), Ids({"a", "m", "x"}));
  Links("a", {{"m", 1}, {"k", 1}});  // k's edge to x comes next; nothing changes yet
  EXPECT_EQ(router_.Path(Id("a"), Id("x")), Ids({"a", "m", "x"}));
  Links("k", {{"x", 1}});
  EXPECT_EQ(router_.Path(Id("a"), Id("x")), Ids({"a", "k", "x"}));
}

TEST_F(RouterTest, TheCacheStaysWithinItsBudget) {
  RoutingConfig config = UnitConfig();
  config.tree_cache_bytes = 1;  // room for one tree only
  Router router(Id("a"), config);
  Effects out;
  for (const char* node : {"a", "b", "c"}) {
    router.SetLinks(now_, Id(node), {{Id("a"), 1, false}, {Id("b"), 1, false}, {Id("c"), 1, false}},
                    out);
  }
  router.Tree(Id("b"));
  router.Tree(Id("c"));
  EXPECT_EQ(router.cached_trees(), 1u);
  EXPECT_EQ(router.stats().trees_evicted, 1u);
  EXPECT_EQ(router.Distance(Id("b"), Id("c")), 1u);  // recomputed on demand
}

TEST_F(RouterTest, ANodeThatAppearsUnreachableIsReportedThoughTheTreeDidNotChange) {
  Links("a", {{"b", 1}});
  ASSERT_EQ(TakeEvents().size(), 1u);
  Advance(milliseconds(500));
  Links("z", {{"a", 1}});  // z lists a; nobody lists z: a's tree is the same, z unreachable
  std::vector<RoutesChanged> events = TakeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].unreachable, Ids({"z"}));
  EXPECT_TRUE(events[0].became_reachable.empty());
  // And when it is forgotten, it leaves the list.
  Advance(milliseconds(500));
  router_.RemoveMember(now_, Id("z"), effects_);
  events = TakeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].unreachable.empty());
}

TEST_F(RouterTest, TreeEventsCoalesceButTheLastStateIsAlwaysDelivered) {
  Links("a", {{"b", 1}});
  Links("b", {{"a", 1}});
  std::vector<RoutesChanged> events = TakeEvents();
  ASSERT_EQ(events.size(), 1u);  // the first change goes out at once
  EXPECT_EQ(events[0].reachable, Ids({"a", "b"}));
  EXPECT_EQ(events[0].became_reachable, Ids({"b"}));
  // A burst within the interval: c comes, d comes, c goes. One event, at the interval's end.
  Advance(milliseconds(10));
  Links("a", {{"b", 1}, {"c", 1}});
  Links("a", {{"b", 1}, {"c", 1}, {"d", 1}});
  Links("a", {{"b", 1}, {"d", 1}});
  EXPECT_TRUE(std::none_of(effects_.events().begin(), effects_.events().end(),
                           [](const Event& e) { return std::holds_alternative<RoutesChanged>(e); }));
  FireTimer();
  events = TakeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(now_.mono, Instant(std::chrono::seconds(100)) + milliseconds(200));
  EXPECT_EQ(events[0].reachable, Ids({"a", "b", "d"}));
  EXPECT_EQ(events[0].became_reachable, Ids({"d"}));
  EXPECT_TRUE(events[0].became_unreachable.empty());  // c left the graph: gone, not down
  // b drops its link back: a still reaches b (a's own link), so the tree is the same: no event.
  Advance(milliseconds(500));
  Links("b", {});
  EXPECT_TRUE(TakeEvents().empty());
  // a loses b: b is still known (b's record) but unreachable.
  Links("a", {{"d", 1}});
  events = TakeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].became_unreachable, Ids({"b"}));
  EXPECT_EQ(events[0].unreachable, Ids({"b"}));
}

}  // namespace
}  // namespace lashup::routing
