#include "membership/hyparview.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace lashup::membership {
namespace {

NodeId N(const std::string& name) { return NodeId::FromLiteral(name); }

Now At(int64_t ms) {
  return {InstantFromNanos(ms * 1'000'000), WallTimeFromNanos(ms * 1'000'000)};
}

// The messages of type M sent to `to` in `out`.
template <typename M>
std::vector<M> Sent(const Effects& out, const NodeId& to) {
  std::vector<M> found;
  for (const NetOp& op : out.net()) {
    if (op.kind != NetOp::Kind::kSend || op.peer != to) continue;
    if (const auto* m = std::get_if<M>(&op.message)) found.push_back(*m);
  }
  return found;
}

template <typename M>
size_t CountSent(const Effects& out) {
  size_t n = 0;
  for (const NetOp& op : out.net()) {
    if (op.kind == NetOp::Kind::kSend && std::holds_alternative<M>(op.message)) ++n;
  }
  return n;
}

bool Asked(const Effects& out, NetOp::Kind kind, const NodeId& peer) {
  return std::any_of(out.net().begin(), out.net().end(),
                     [&](const NetOp& op) { return op.kind == kind && op.peer == peer; });
}

std::optional<Instant> TimerAt(const Effects& out, HvTimer kind) {
  std::optional<Instant> at;
  for (const TimerOp& op : out.timers()) {
    if (op.id.component == Component::kHyParView && op.id.kind == static_cast<uint32_t>(kind)) {
      at = op.cancel ? std::nullopt : std::optional<Instant>(op.at);
    }
  }
  return at;
}

HyParViewConfig Small() {
  HyParViewConfig config;
  config.active_size = 3;
  config.passive_size = 4;
  config.joins_per_second = 2;
  return config;
}

// A node "me" whose active view holds `active` (made through accepted neighbor requests).
HyParView WithActive(const std::vector<NodeId>& active, HyParViewConfig config = Small()) {
  HyParView hv(N("me"), config, Rng(7));
  Effects out;
  hv.Start(At(0), {}, {}, out);
  for (const NodeId& peer : active) hv.OnMessage(At(1), peer, HvNeighbor{true}, out);
  // Let the repair timer that a view short of full keeps pending fire once (for a full view it
  // then stops), so tests see the timers their own steps set.
  hv.OnTimer(At(2), {Component::kHyParView, static_cast<uint32_t>(HvTimer::kRepair), 0}, out);
  hv.CheckInvariants();
  return hv;
}

TEST(HyParView, StartJoinsThroughAContactWithATimeout) {
  HyParView hv(N("me"), Small(), Rng(1));
  Effects out;
  hv.Start(At(0), {N("me"), N("c1")}, {}, out);
  EXPECT_EQ(hv.contacts(), std::vector<NodeId>{N("c1")});  // self dropped
  ASSERT_EQ(Sent<HvJoin>(out, N("c1")).size(), 1u);
  EXPECT_EQ(out.net().front().mode, SendMode::kConnectFirst);
  const auto timeout = TimerAt(out, HvTimer::kJoin);
  ASSERT_TRUE(timeout.has_value());
  EXPECT_GE(*timeout, At(500).mono);
  EXPECT_LE(*timeout, At(1500).mono);
  EXPECT_TRUE(TimerAt(out, HvTimer::kShuffle).has_value());
}

TEST(HyParView, AcceptedJoinLinksTheContactAndKeepsItsPassiveSample) {
  HyParView hv(N("me"), Small(), Rng(1));
  Effects out;
  hv.Start(At(0), {N("c1")}, {}, out);
  out.Clear();
  hv.OnMessage(At(10), N("c1"), HvJoinReply{true, {N("p1"), N("me"), N("p2")}}, out);
  EXPECT_EQ(hv.active(), std::vector<NodeId>{N("c1")});
  EXPECT_EQ(hv.passive(), (std::vector<NodeId>{N("p1"), N("p2")}));
  EXPECT_TRUE(Asked(out, NetOp::Kind::kConnect, N("c1")));
  EXPECT_FALSE(TimerAt(out, HvTimer::kJoin).has_value());  // cancelled
  EXPECT_TRUE(hv.TakeViewsChanged());
  EXPECT_FALSE(hv.TakeViewsChanged());
  hv.CheckInvariants();
}

TEST(HyParView, ContactAcceptsAJoinAndStartsAWalkFromEachOtherNeighbour) {
  HyParView hv = WithActive({N("a"), N("b")});
  Effects out;
  hv.OnMessage(At(100), N("j"), HvJoin{}, out);
  EXPECT_TRUE(hv.IsActive(N("j")));
  for (const NodeId& peer : {N("a"), N("b")}) {
    const auto walks = Sent<HvForwardJoin>(out, peer);
    ASSERT_EQ(walks.size(), 1u) << peer;
    EXPECT_EQ(walks[0].joiner, N("j"));
    EXPECT_EQ(walks[0].ttl, Small().active_walk);
    EXPECT_EQ(walks[0].walked, std::vector<NodeId>{N("me")});
  }
  const auto replies = Sent<HvJoinReply>(out, N("j"));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(replies[0].accepted);
}

TEST(HyParView, ThrottledContactRedirectsToItsNeighbours) {
  HyParView hv = WithActive({N("a")});
  Effects out;
  hv.OnMessage(At(100), N("j1"), HvJoin{}, out);
  hv.OnMessage(At(200), N("j2"), HvJoin{}, out);
  out.Clear();
  hv.OnMessage(At(300), N("j3"), HvJoin{}, out);  // a third within one second: over the limit
  EXPECT_FALSE(hv.IsActive(N("j3")));
  auto replies = Sent<HvJoinReply>(out, N("j3"));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_FALSE(replies[0].accepted);
  EXPECT_EQ(replies[0].nodes, hv.active());
  out.Clear();
  hv.OnMessage(At(1150), N("j4"), HvJoin{}, out);  // the first join left the window
  EXPECT_TRUE(hv.IsActive(N("j4")));
}

TEST(HyParView, RefusedJoinerAsksOneOfTheContactsNeighbours) {
  HyParView hv(N("me"), Small(), Rng(3));
  Effects out;
  hv.Start(At(0), {N("c1")}, {}, out);
  out.Clear();
  hv.OnMessage(At(5), N("c1"), HvJoinReply{false, {N("x"), N("me"), N("c1")}}, out);
  EXPECT_EQ(Sent<HvJoin>(out, N("x")).size(), 1u);
  EXPECT_EQ(CountSent<HvJoin>(out), 1u);
}

TEST(HyParView, ForwardJoinWalksOnAvoidingVisitedNodesAndEndsWithALink) {
  HyParView hv = WithActive({N("a"), N("b"), N("c")});
  Effects out;
  hv.OnMessage(At(10), N("a"), HvForwardJoin{N("j"), 4, {N("x"), N("b")}}, out);
  auto walks = Sent<HvForwardJoin>(out, N("c"));  // neither the sender a nor the visited b
  ASSERT_EQ(walks.size(), 1u);
  EXPECT_EQ(walks[0].ttl, 3u);
  EXPECT_EQ(walks[0].walked, (std::vector<NodeId>{N("x"), N("b"), N("me")}));
  EXPECT_FALSE(hv.IsActive(N("j")));
  out.Clear();
  // At ttl 0 the walk stops here: link with the joiner and ask it to link back.
  hv.OnMessage(At(20), N("a"), HvForwardJoin{N("j"), 0, {}}, out);
  EXPECT_TRUE(hv.IsActive(N("j")));
  const auto asks = Sent<HvNeighbor>(out, N("j"));
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_TRUE(asks[0].high_priority);
  hv.CheckInvariants();
}

TEST(HyParView, ForwardJoinAtThePassiveHopRecordsTheJoiner) {
  HyParView hv = WithActive({N("a"), N("b")});
  Effects out;
  hv.OnMessage(At(10), N("a"), HvForwardJoin{N("j"), Small().passive_walk, {}}, out);
  EXPECT_EQ(hv.passive(), std::vector<NodeId>{N("j")});
  EXPECT_EQ(Sent<HvForwardJoin>(out, N("b")).size(), 1u);
}

TEST(HyParView, FullViewRefusesLowPriorityAndEvictsForHighPriority) {
  HyParView hv = WithActive({N("a"), N("b"), N("c")});
  Effects out;
  hv.OnMessage(At(10), N("d"), HvNeighbor{false}, out);
  EXPECT_FALSE(hv.IsActive(N("d")));
  auto replies = Sent<HvNeighborReply>(out, N("d"));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_FALSE(replies[0].accepted);
  out.Clear();
  hv.OnMessage(At(20), N("d"), HvNeighbor{true}, out);
  EXPECT_TRUE(hv.IsActive(N("d")));
  EXPECT_EQ(hv.active().size(), 3u);
  // The evicted neighbour is told, its link released, and it stays known as passive.
  ASSERT_EQ(CountSent<HvDisconnect>(out), 1u);
  NodeId victim;
  for (const NetOp& op : out.net()) {
    if (op.kind == NetOp::Kind::kSend && std::holds_alternative<HvDisconnect>(op.message)) {
      victim = op.peer;
    }
  }
  EXPECT_TRUE(Asked(out, NetOp::Kind::kDisconnect, victim));
  EXPECT_FALSE(hv.IsActive(victim));
  EXPECT_NE(std::find(hv.passive().begin(), hv.passive().end(), victim), hv.passive().end());
  hv.CheckInvariants();
}

TEST(HyParView, LostNeighbourIsReplacedFromThePassiveViewAfterAJitteredDelay) {
  HyParView hv = WithActive({N("a"), N("b"), N("c")});
  Effects out;
  hv.OnMessage(At(10), N("p"), HvShuffleReply{{N("p")}}, out);  // p becomes passive
  ASSERT_EQ(hv.passive(), std::vector<NodeId>{N("p")});
  out.Clear();
  hv.OnConnection(At(1000), N("a"), LinkState::kDown, out);
  EXPECT_FALSE(hv.IsActive(N("a")));
  const auto repair = TimerAt(out, HvTimer::kRepair);
  ASSERT_TRUE(repair.has_value());
  EXPECT_GE(*repair, At(1010).mono);
  EXPECT_LE(*repair, At(1200).mono);
  out.Clear();
  hv.OnTimer(At(1100), {Component::kHyParView, static_cast<uint32_t>(HvTimer::kRepair), 0}, out);
  // One request at a time, low priority since the view is not empty.
  ASSERT_EQ(CountSent<HvNeighbor>(out), 1u);
  const NetOp& ask = out.net().front();
  EXPECT_TRUE(ask.peer == N("p") || ask.peer == N("a"));
  EXPECT_FALSE(std::get<HvNeighbor>(ask.message).high_priority);
  EXPECT_TRUE(TimerAt(out, HvTimer::kNeighborTimeout).has_value());
  // No answer: the silent node leaves the passive view.
  const NodeId asked = ask.peer;
  out.Clear();
  hv.OnTimer(At(2100),
             {Component::kHyParView, static_cast<uint32_t>(HvTimer::kNeighborTimeout), 0}, out);
  EXPECT_EQ(std::find(hv.passive().begin(), hv.passive().end(), asked), hv.passive().end());
  EXPECT_TRUE(TimerAt(out, HvTimer::kRepair).has_value());
  hv.CheckInvariants();
}

// Refusals back the periodic repair off (doubling); losing a neighbour brings it forward again,
// so a node whose links break one by one does not wait out a back-off it earned while it still
// had half its view.
TEST(HyParView, LosingANeighbourBringsABackedOffRepairForward) {
  HyParView hv = WithActive({N("a"), N("b")});  // 2 of 3: not fragile, so requests are low
  Effects out;
  hv.OnMessage(At(10), N("x"), HvShuffleReply{{N("p"), N("q"), N("r"), N("s")}}, out);
  const TimerId repair{Component::kHyParView, static_cast<uint32_t>(HvTimer::kRepair), 0};
  const auto ms = [](Instant at) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
  };
  int64_t due = 100;
  int64_t delay = 0;
  for (int round = 0; round < 8; ++round) {
    out.Clear();
    hv.OnTimer(At(due), repair, out);
    NodeId asked;
    for (const NetOp& op : out.net()) {
      if (std::holds_alternative<HvNeighbor>(op.message)) asked = op.peer;
    }
    ASSERT_TRUE(asked.valid()) << "round " << round;
    out.Clear();
    hv.OnMessage(At(due + 1), asked, HvNeighborReply{false, {}}, out);
    const auto next = TimerAt(out, HvTimer::kRepair);
    ASSERT_TRUE(next.has_value()) << "round " << round;
    delay = ms(*next) - (due + 1);
    due = ms(*next);
  }
  EXPECT_GE(delay, 4000);  // backed off
  out.Clear();
  hv.OnConnection(At(due - delay + 10), N("a"), LinkState::kDown, out);
  const auto sooner = TimerAt(out, HvTimer::kRepair);
  ASSERT_TRUE(sooner.has_value());
  EXPECT_LE(ms(*sooner), due - delay + 10 + 200);
  hv.CheckInvariants();
}

TEST(HyParView, AcceptedNeighborReplyLinksAndRefusalWidensThePassiveView) {
  HyParView hv = WithActive({N("a")});
  Effects out;
  hv.OnMessage(At(10), N("b"), HvNeighborReply{true, {}}, out);
  EXPECT_TRUE(hv.IsActive(N("b")));
  hv.OnMessage(At(20), N("c"), HvNeighborReply{false, {N("x"), N("y")}}, out);
  EXPECT_FALSE(hv.IsActive(N("c")));
  EXPECT_EQ(hv.passive(), (std::vector<NodeId>{N("x"), N("y")}));
}

TEST(HyParView, DisconnectMovesThePeerToPassiveWithoutAnswering) {
  HyParView hv = WithActive({N("a"), N("b")});
  Effects out;
  hv.OnMessage(At(10), N("a"), HvDisconnect{}, out);
  EXPECT_FALSE(hv.IsActive(N("a")));
  EXPECT_EQ(hv.passive(), std::vector<NodeId>{N("a")});
  EXPECT_EQ(CountSent<HvDisconnect>(out), 0u);
  EXPECT_TRUE(Asked(out, NetOp::Kind::kDisconnect, N("a")));
}

TEST(HyParView, FailedPeerIsToldAndDropped) {
  HyParView hv = WithActive({N("a"), N("b")});
  Effects out;
  hv.OnPeerFailed(At(10), N("a"), out);
  EXPECT_FALSE(hv.IsActive(N("a")));
  EXPECT_EQ(Sent<HvDisconnect>(out, N("a")).size(), 1u);
}

TEST(HyParView, ShuffleWalksThenTheLastHopAnswersAndMerges) {
  HyParView hv = WithActive({N("a"), N("b")});
  Effects out;
  hv.OnMessage(At(10), N("a"), HvShuffle{N("o"), 2, {N("o"), N("s1")}}, out);
  auto forwarded = Sent<HvShuffle>(out, N("b"));
  ASSERT_EQ(forwarded.size(), 1u);
  EXPECT_EQ(forwarded[0].ttl, 1u);
  EXPECT_TRUE(hv.passive().empty());
  out.Clear();
  hv.OnMessage(At(20), N("a"), HvShuffle{N("o"), 0, {N("o"), N("s1"), N("me")}}, out);
  ASSERT_EQ(Sent<HvShuffleReply>(out, N("o")).size(), 1u);
  EXPECT_EQ(hv.passive(), (std::vector<NodeId>{N("o"), N("s1")}));
  hv.CheckInvariants();
}

TEST(HyParView, PassiveViewStaysBoundedAndEvictsWhatItSentFirst) {
  HyParView hv = WithActive({N("a")});
  Effects out;
  hv.OnMessage(At(10), N("x"), HvShuffleReply{{N("p1"), N("p2"), N("p3"), N("p4")}}, out);
  ASSERT_EQ(hv.passive().size(), 4u);
  // A shuffle from us sends a sample; its reply evicts those first.
  hv.OnTimer(At(20), {Component::kHyParView, static_cast<uint32_t>(HvTimer::kShuffle), 0}, out);
  const auto sent = Sent<HvShuffle>(out, N("a"));
  ASSERT_EQ(sent.size(), 1u);
  hv.OnMessage(At(30), N("a"), HvShuffleReply{{N("q1")}}, out);
  EXPECT_EQ(hv.passive().size(), 4u);
  EXPECT_NE(std::find(hv.passive().begin(), hv.passive().end(), N("q1")), hv.passive().end());
  // The evicted one was among those sent (the sample holds "me" and "a" too, never passive).
  std::vector<NodeId> gone;
  for (const NodeId& p : {N("p1"), N("p2"), N("p3"), N("p4")}) {
    if (std::find(hv.passive().begin(), hv.passive().end(), p) == hv.passive().end()) {
      gone.push_back(p);
    }
  }
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_NE(std::find(sent[0].nodes.begin(), sent[0].nodes.end(), gone[0]), sent[0].nodes.end());
  hv.CheckInvariants();
}

TEST(HyParView, RestartAsksTheSavedNeighboursFirst) {
  HyParView hv(N("me"), Small(), Rng(2));
  Effects out;
  hv.Start(At(0), {N("c1")}, {N("old1")}, out);
  EXPECT_EQ(CountSent<HvJoin>(out), 0u);
  ASSERT_TRUE(TimerAt(out, HvTimer::kRepair).has_value());
  out.Clear();
  hv.OnTimer(At(300), {Component::kHyParView, static_cast<uint32_t>(HvTimer::kRepair), 0}, out);
  const auto asks = Sent<HvNeighbor>(out, N("old1"));
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_TRUE(asks[0].high_priority);  // no neighbour yet
}

TEST(HyParView, IgnoresMessagesNamingItself) {
  HyParView hv = WithActive({N("a")});
  Effects out;
  hv.OnMessage(At(10), N("a"), HvForwardJoin{N("me"), 3, {}}, out);
  hv.OnMessage(At(10), N("me"), HvNeighbor{true}, out);
  hv.OnMessage(At(10), N("a"), HvShuffle{N("me"), 0, {N("me")}}, out);
  EXPECT_TRUE(out.net().empty());
  hv.CheckInvariants();
}

}  // namespace
}  // namespace lashup::membership
