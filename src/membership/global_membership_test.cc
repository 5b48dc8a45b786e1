#include "membership/global_membership.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lashup::membership {
namespace {

NodeId N(const std::string& name) { return NodeId::FromLiteral(name); }

Now At(int64_t ms) {
  return {InstantFromNanos(ms * 1'000'000), WallTimeFromNanos(ms * 1'000'000)};
}

// The GmUpdates sent, by receiver.
std::vector<std::pair<NodeId, GmUpdate>> Updates(const Effects& out) {
  std::vector<std::pair<NodeId, GmUpdate>> found;
  for (const NetOp& op : out.net()) {
    if (const auto* m = std::get_if<GmUpdate>(&op.message)) found.emplace_back(op.peer, *m);
  }
  return found;
}

GmRecord Record(const std::string& node, uint64_t epoch, uint64_t counter,
                std::vector<std::string> peers) {
  GmRecord record{N(node), {epoch, counter}, {}};
  for (const std::string& p : peers) record.links.push_back({N(p), 0});
  return record;
}

GlobalMembership Started(Effects& out) {
  GlobalMembership gm(N("me"), GlobalMembershipConfig{});
  gm.Start(At(0), 100, out);
  return gm;
}

TEST(GlobalMembership, StartsWithItsOwnRecordAtTheEpoch) {
  Effects out;
  GlobalMembership gm = Started(out);
  ASSERT_EQ(gm.members().size(), 1u);
  EXPECT_EQ(gm.members().at(N("me")).version, (GmVersion{100, 1}));
  EXPECT_EQ(gm.TakeChanges().added, std::vector<NodeId>{N("me")});
}

TEST(GlobalMembership, LocalLinkChangeBumpsTheCounterAndFloodsToNeighbours) {
  Effects out;
  GlobalMembership gm = Started(out);
  out.Clear();
  gm.SetLocalLinks(At(5), {{N("b"), 0}, {N("a"), 0}}, {N("a"), N("b")}, out);
  EXPECT_EQ(gm.members().at(N("me")).version, (GmVersion{100, 2}));
  const auto updates = Updates(out);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].second.records[0].links,
            (std::vector<GmLink>{{N("a"), 0}, {N("b"), 0}}));  // sorted
  out.Clear();
  gm.SetLocalLinks(At(6), {{N("a"), 0}, {N("b"), 0}}, {N("a"), N("b")}, out);  // no change
  EXPECT_TRUE(out.net().empty());
  EXPECT_EQ(gm.members().at(N("me")).version, (GmVersion{100, 2}));
}

TEST(GlobalMembership, NewerRecordsAreStoredAndFloodedExceptBackToTheSender) {
  Effects out;
  GlobalMembership gm = Started(out);
  gm.TakeChanges();
  out.Clear();
  const std::vector<NodeId> neighbours{N("a"), N("b"), N("c")};
  gm.OnMessage(At(1), N("a"), GmUpdate{{Record("x", 5, 3, {"y"})}}, neighbours, out);
  EXPECT_EQ(gm.members().at(N("x")).version, (GmVersion{5, 3}));
  auto updates = Updates(out);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].first, N("b"));
  EXPECT_EQ(updates[1].first, N("c"));
  EXPECT_EQ(gm.TakeChanges().added, std::vector<NodeId>{N("x")});
  // The same or an older version is a duplicate: nothing stored, nothing sent.
  out.Clear();
  gm.OnMessage(At(2), N("b"), GmUpdate{{Record("x", 5, 3, {"z"}), Record("x", 4, 9, {})}},
               neighbours, out);
  EXPECT_TRUE(out.net().empty());
  EXPECT_EQ(gm.members().at(N("x")).links, (std::vector<GmLink>{{N("y"), 0}}));
  // A newer counter, or a newer epoch with a smaller counter, wins.
  gm.OnMessage(At(3), N("b"), GmUpdate{{Record("x", 5, 4, {"z"})}}, neighbours, out);
  EXPECT_EQ(gm.members().at(N("x")).links, (std::vector<GmLink>{{N("z"), 0}}));
  gm.OnMessage(At(4), N("b"), GmUpdate{{Record("x", 6, 1, {})}}, neighbours, out);
  EXPECT_EQ(gm.members().at(N("x")).version, (GmVersion{6, 1}));
  EXPECT_EQ(gm.TakeChanges().changed, (std::vector<NodeId>{N("x"), N("x")}));
}

// The first fresh record goes out at once; those that follow within the flood interval wait for
// its end and leave together, only in their newest versions, never to a neighbour that sent
// that version.
TEST(GlobalMembership, FreshRecordsWithinTheFloodIntervalLeaveTogether) {
  Effects out;
  GlobalMembership gm = Started(out);
  out.Clear();
  const std::vector<NodeId> neighbours{N("a"), N("b"), N("c")};
  gm.OnMessage(At(1), N("a"), GmUpdate{{Record("x", 5, 1, {})}}, neighbours, out);
  EXPECT_EQ(Updates(out).size(), 2u);  // at once, to b and c
  out.Clear();
  gm.OnMessage(At(3), N("a"), GmUpdate{{Record("y", 5, 1, {})}}, neighbours, out);
  gm.OnMessage(At(4), N("b"), GmUpdate{{Record("x", 5, 2, {})}}, neighbours, out);
  gm.OnMessage(At(5), N("c"), GmUpdate{{Record("x", 5, 3, {"q"})}}, neighbours, out);
  gm.OnMessage(At(6), N("a"), GmUpdate{{Record("x", 5, 3, {"q"})}}, neighbours, out);
  EXPECT_TRUE(Updates(out).empty());  // held until 1 + 10 ms
  const TimerId flood{Component::kMembership, static_cast<uint32_t>(GmTimer::kFlood), 0};
  ASSERT_EQ(out.timers().size(), 1u);
  EXPECT_EQ(out.timers()[0].id, flood);
  EXPECT_EQ(out.timers()[0].at, At(11).mono);
  out.Clear();
  gm.OnTimer(At(11), flood, neighbours, out);
  const auto updates = Updates(out);
  ASSERT_EQ(updates.size(), 2u);
  // a sent y and x@3, so it gets nothing; b sent only x@2, older than what goes out.
  EXPECT_EQ(updates[0].first, N("b"));
  ASSERT_EQ(updates[0].second.records.size(), 2u);
  EXPECT_EQ(updates[0].second.records[0].node, N("x"));
  EXPECT_EQ(updates[0].second.records[0].version, (GmVersion{5, 3}));  // x@2 superseded
  EXPECT_EQ(updates[0].second.records[1].node, N("y"));
  // c sent x@3, so only y.
  EXPECT_EQ(updates[1].first, N("c"));
  ASSERT_EQ(updates[1].second.records.size(), 1u);
  EXPECT_EQ(updates[1].second.records[0].node, N("y"));
  // Quiet again: the next fresh record goes out at once.
  out.Clear();
  gm.OnMessage(At(30), N("a"), GmUpdate{{Record("z", 5, 1, {})}}, neighbours, out);
  EXPECT_EQ(Updates(out).size(), 2u);
}

TEST(GlobalMembership, ANewerRecordOfItselfMakesItMovePastIt) {
  Effects out;
  GlobalMembership gm = Started(out);
  out.Clear();
  gm.OnMessage(At(1), N("a"), GmUpdate{{Record("me", 100, 7, {"q"})}}, {N("a")}, out);
  const Member& me = gm.members().at(N("me"));
  EXPECT_EQ(me.version, (GmVersion{100, 8}));
  EXPECT_TRUE(me.links.empty());  // its own links, not the stale ones
  ASSERT_EQ(Updates(out).size(), 1u);
  // An older record of itself changes nothing.
  out.Clear();
  gm.OnMessage(At(2), N("a"), GmUpdate{{Record("me", 99, 50, {})}}, {N("a")}, out);
  EXPECT_EQ(gm.members().at(N("me")).version, (GmVersion{100, 8}));
  EXPECT_TRUE(out.net().empty());
}

TEST(GlobalMembership, DigestIsAnsweredWithWhatTheSenderLacksOrHoldsOlder) {
  Effects out;
  GlobalMembership gm = Started(out);
  gm.OnMessage(At(1), N("a"), GmUpdate{{Record("x", 5, 3, {}), Record("y", 5, 1, {})}}, {}, out);
  out.Clear();
  gm.OnLinkUp(At(2), N("b"), out);
  ASSERT_EQ(out.net().size(), 1u);
  const auto& digest = std::get<GmDigest>(out.net()[0].message);
  EXPECT_EQ(digest.entries.size(), 3u);
  out.Clear();
  // b holds x as new as ours, y older, and does not know "me".
  gm.OnMessage(At(3), N("b"),
               GmDigest{{{N("x"), {5, 3}}, {N("y"), {4, 9}}, {N("zz"), {1, 1}}}}, {}, out);
  const auto updates = Updates(out);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].first, N("b"));
  std::vector<NodeId> sent;
  for (const GmRecord& r : updates[0].second.records) sent.push_back(r.node);
  EXPECT_EQ(sent, (std::vector<NodeId>{N("me"), N("y")}));
}

TEST(GlobalMembership, MembersNotHeardFromAreForgottenButNeverItself) {
  GlobalMembershipConfig config;
  config.forget_after = std::chrono::hours(24);
  GlobalMembership gm(N("me"), config);
  Effects out;
  gm.Start(At(0), 1, out);
  gm.OnMessage(At(0), N("a"), GmUpdate{{Record("old", 1, 1, {})}}, {}, out);
  const int64_t hour = 3'600'000;
  gm.OnMessage(At(20 * hour), N("a"), GmUpdate{{Record("fresh", 1, 1, {})}}, {}, out);
  gm.TakeChanges();
  const TimerId forget{Component::kMembership, static_cast<uint32_t>(GmTimer::kForget), 0};
  gm.OnTimer(At(24 * hour - 1), forget, {}, out);
  EXPECT_TRUE(gm.members().contains(N("old")));
  gm.OnTimer(At(24 * hour), forget, {}, out);
  EXPECT_FALSE(gm.members().contains(N("old")));
  EXPECT_TRUE(gm.members().contains(N("fresh")));
  EXPECT_TRUE(gm.members().contains(N("me")));
  EXPECT_EQ(gm.TakeChanges().removed, std::vector<NodeId>{N("old")});
}

TEST(GlobalMembership, ReachableFollowsLinksFromItself) {
  Effects out;
  GlobalMembership gm = Started(out);
  gm.SetLocalLinks(At(1), {{N("a"), 0}}, {}, out);
  gm.OnMessage(At(1), N("a"),
               GmUpdate{{Record("a", 1, 1, {"b", "me"}), Record("b", 1, 1, {"a"}),
                         Record("island", 1, 1, {"isle2"}), Record("isle2", 1, 1, {"island"})}},
               {}, out);
  EXPECT_EQ(gm.Reachable(), (std::set<NodeId>{N("me"), N("a"), N("b")}));
}

TEST(GlobalMembership, RefreshBumpsTheVersionPeriodically) {
  Effects out;
  GlobalMembership gm = Started(out);
  out.Clear();
  gm.OnTimer(At(300'000), {Component::kMembership, static_cast<uint32_t>(GmTimer::kRefresh), 0},
             {N("a")}, out);
  EXPECT_EQ(gm.members().at(N("me")).version, (GmVersion{100, 2}));
  EXPECT_EQ(Updates(out).size(), 1u);
  ASSERT_EQ(out.timers().size(), 1u);
  EXPECT_EQ(out.timers()[0].at, At(600'000).mono);
}

}  // namespace
}  // namespace lashup::membership
