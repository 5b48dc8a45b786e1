#include "routing/multicast.h"

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lashup::routing {
namespace {

using std::chrono::milliseconds;

NodeId Id(const std::string& name) { return NodeId::FromLiteral(name); }

// A few nodes, each a Router fed the same graph and a Multicast, over a hand-run network:
// messages queue and are delivered in order; `drop` decides which to lose; timers fire when the
// clock passes them.
class Net {
 public:
  explicit Net(const std::map<std::string, std::vector<std::string>>& adjacency,
               MulticastConfig config = {}) {
    uint64_t seed = 1;
    for (const auto& [name, peers] : adjacency) {
      auto node = std::make_unique<Node>(Id(name), config, seed++);
      node->mc.Start(7);
      node->mc.Subscribe("t");
      nodes_.emplace(name, std::move(node));
    }
    for (auto& [name, node] : nodes_) {
      for (const auto& [member, peers] : adjacency) {
        std::vector<GmLink> links;
        for (const std::string& peer : peers) links.push_back({Id(peer), 100, false});
        node->router.SetLinks(now_, Id(member), links, node->out);
        for (const std::string& peer : peers) {
          if (member == name) {
            node->mc.OnConnection(now_, Id(peer), LinkState::kUp, node->router, node->out);
          }
        }
      }
      node->out.Clear();
    }
  }

  void Send(const std::string& from, const std::string& topic = "t") {
    Node& node = *nodes_.at(from);
    ASSERT_TRUE(node.mc.Send(now_, topic, {1, 2, 3}, node.router, node.out).ok());
    Collect(from);
  }
  // Delivers everything queued, firing timers as the clock advances, until nothing is left.
  void Run() {
    for (int guard = 0; guard < 100000; ++guard) {
      if (!queue_.empty()) {
        Queued q = std::move(queue_.front());
        queue_.pop_front();
        if (drop && drop(q.from, q.to, q.message)) continue;
        Node& node = *nodes_.at(q.to);
        node.mc.OnMessage(now_, Id(q.from), q.message, node.router, node.out);
        Collect(q.to);
        continue;
      }
      if (timers_.empty()) return;
      auto first = timers_.begin();
      now_.mono = std::max(now_.mono, first->first.first);
      const std::string name = first->first.second;
      const TimerId id = first->second;
      timers_.erase(first);
      Node& node = *nodes_.at(name);
      node.mc.OnTimer(now_, id, node.router, node.out);
      Collect(name);
    }
    FAIL() << "the network never went quiet";
  }
  // Changes `member`'s record in `name`'s graph only (graphs disagree until the others learn it),
  // then tells `name`'s multicast, as the node core does.
  void SetRecordAt(const std::string& name, const std::string& member,
                   const std::vector<std::string>& peers) {
    Node& node = *nodes_.at(name);
    std::vector<GmLink> links;
    for (const std::string& peer : peers) links.push_back({Id(peer), 100, false});
    node.router.SetLinks(now_, Id(member), links, node.out);
    node.mc.OnGraphChanged(now_, node.router, node.out);
    Collect(name);
  }
  void Down(const std::string& name, const std::string& peer) {
    Node& node = *nodes_.at(name);
    node.mc.OnConnection(now_, Id(peer), LinkState::kDown, node.router, node.out);
    Collect(name);
  }
  int Deliveries(const std::string& name) const { return nodes_.at(name)->deliveries; }
  Multicast& Mc(const std::string& name) { return nodes_.at(name)->mc; }

  std::function<bool(const std::string&, const std::string&, const Message&)> drop;

 private:
  struct Node {
    Node(const NodeId& id, const MulticastConfig& config, uint64_t seed)
        : router(id, RoutingConfig{}), mc(id, config, seed) {}
    Router router;
    Multicast mc;
    Effects out;
    int deliveries = 0;
  };
  struct Queued {
    std::string from;
    std::string to;
    Message message;
  };

  void Collect(const std::string& name) {
    Node& node = *nodes_.at(name);
    for (const NetOp& op : node.out.net()) {
      if (op.kind == NetOp::Kind::kSend) queue_.push_back({name, op.peer.str(), op.message});
    }
    for (const TimerOp& op : node.out.timers()) {
      std::erase_if(timers_, [&](const auto& t) { return t.first.second == name && t.second == op.id; });
      if (!op.cancel) timers_.emplace(std::make_pair(op.at, name), op.id);
    }
    for (const Event& e : node.out.events()) {
      if (std::holds_alternative<McDelivered>(e)) ++node.deliveries;
    }
    node.out.Clear();
  }

  Now now_{Instant(std::chrono::seconds(10)), WallTime()};
  std::map<std::string, std::unique_ptr<Node>> nodes_;
  std::deque<Queued> queue_;
  std::multimap<std::pair<Instant, std::string>, TimerId> timers_;
};

// A ring of six with two chords: several trees, several paths.
std::map<std::string, std::vector<std::string>> Ring() {
  return {{"a", {"b", "f", "d"}}, {"b", {"a", "c"}},      {"c", {"b", "d"}},
          {"d", {"c", "e", "a"}}, {"e", {"d", "f"}},      {"f", {"e", "a"}}};
}

TEST(MulticastTest, OneTreeByDefaultReachesEveryoneWithoutASingleDuplicate) {
  Net net(Ring());
  net.Send("a");
  net.Run();
  for (const char* name : {"b", "c", "d", "e", "f"}) {
    EXPECT_EQ(net.Deliveries(name), 1) << name;
    EXPECT_EQ(net.Mc(name).stats().duplicates, 0u) << name;
  }
}

TEST(MulticastTest, WithExtraTreesEverySubscriberButTheOriginGetsEachMessageOnce) {
  MulticastConfig config;
  config.extra_trees = 2;
  Net net(Ring(), config);
  net.Send("a");
  net.Send("c");
  net.Run();
  for (const char* name : {"b", "d", "e", "f"}) EXPECT_EQ(net.Deliveries(name), 2) << name;
  EXPECT_EQ(net.Deliveries("a"), 1);  // c's message only
  EXPECT_EQ(net.Deliveries("c"), 1);
  // Two trees each: extra copies reach nodes, and are dropped there.
  uint64_t duplicates = 0;
  for (const char* name : {"a", "b", "c", "d", "e", "f"}) {
    duplicates += net.Mc(name).stats().duplicates;
    EXPECT_EQ(net.Mc(name).unacked(), 0u);  // every hop was acknowledged
  }
  EXPECT_GT(duplicates, 0u);
}

TEST(MulticastTest, OnlySubscribedTopicsAreDelivered) {
  Net net(Ring());
  net.Mc("b").Unsubscribe("t");
  net.Mc("b").Subscribe("other");
  net.Send("a");
  net.Send("a", "other");
  net.Run();
  EXPECT_EQ(net.Deliveries("b"), 1);  // "other" only
  EXPECT_EQ(net.Deliveries("c"), 1);  // "t" only
  EXPECT_GT(net.Mc("c").stats().unsubscribed, 0u);
}

TEST(MulticastTest, ALostCopyIsResentByItsParent) {
  MulticastConfig config;
  config.extra_trees = 0;  // one tree: only the resend can repair the loss
  Net net(Ring(), config);
  int dropped = 0;
  net.drop = [&](const std::string&, const std::string& to, const Message& m) {
    // Lose the first copy that reaches e, and the first ack e sends.
    if (to == "e" && std::holds_alternative<McPacket>(m) && dropped == 0) return ++dropped, true;
    return false;
  };
  net.Send("a");
  net.Run();
  EXPECT_EQ(dropped, 1);
  for (const char* name : {"b", "c", "d", "e", "f"}) EXPECT_EQ(net.Deliveries(name), 1) << name;
  uint64_t resent = 0;
  for (const char* name : {"a", "b", "c", "d", "e", "f"}) resent += net.Mc(name).stats().retransmitted;
  EXPECT_EQ(resent, 1u);
}

TEST(MulticastTest, AChildThatNeverAcknowledgesIsBypassedAfterTheRetries) {
  MulticastConfig config;
  config.extra_trees = 0;
  config.retransmit.max_retransmits = 3;
  Net net(Ring(), config);
  net.drop = [](const std::string&, const std::string& to, const Message&) { return to == "b"; };
  net.Send("a");
  net.Run();
  EXPECT_EQ(net.Deliveries("b"), 0);
  EXPECT_EQ(net.Mc("a").stats().retransmitted, 3u);
  EXPECT_EQ(net.Mc("a").stats().given_up, 1u);
  EXPECT_EQ(net.Mc("a").unacked(), 0u);
  // b's child in a's tree, c, got the copy from a directly.
  EXPECT_EQ(net.Mc("a").stats().bypassed, 1u);
  EXPECT_EQ(net.Deliveries("c"), 1);
}

TEST(MulticastTest, ExtraTreesCoverADeadBranch) {
  // Trees rooted at a, b and f all reach c through b (b < d breaks the ties); d's tree reaches
  // it directly. With every neighbour of a as an extra root, d's tree is always among them.
  MulticastConfig config;
  config.extra_trees = 3;
  Net net(Ring(), config);
  // Nothing crosses b -> c.
  net.drop = [](const std::string& from, const std::string& to, const Message&) {
    return from == "b" && to == "c";
  };
  for (int i = 0; i < 5; ++i) net.Send("a");
  net.Run();
  EXPECT_EQ(net.Deliveries("c"), 5);
}

TEST(MulticastTest, AChildThatAGraphChangeBringsGetsTheRecentCopies) {
  MulticastConfig config;
  config.extra_trees = 0;
  Net net(Ring(), config);
  // b's graph lacks its own link to c, so b's tree of a puts c under d; d's graph (the true
  // one) puts c under b. Neither sends to c.
  net.SetRecordAt("b", "b", {"a"});
  net.Send("a");
  net.Run();
  EXPECT_EQ(net.Deliveries("c"), 0);
  // b learns its record back: c is its child in a's tree again, and gets the recent copy.
  net.SetRecordAt("b", "b", {"a", "c"});
  net.Run();
  EXPECT_EQ(net.Deliveries("c"), 1);
  EXPECT_EQ(net.Mc("b").stats().resent_on_change, 1u);
  // Nothing new after that: c is already served.
  net.SetRecordAt("b", "b", {"a", "c"});
  net.Run();
  EXPECT_EQ(net.Mc("b").stats().resent_on_change, 1u);
}

TEST(MulticastTest, ALinkGoingDownDropsItsOutbox) {
  MulticastConfig config;
  config.extra_trees = 0;
  Net net(Ring(), config);
  net.drop = [](const std::string&, const std::string&, const Message&) { return true; };
  net.Send("a");
  EXPECT_GT(net.Mc("a").unacked(), 0u);
  const size_t waiting = net.Mc("a").unacked();
  for (const char* peer : {"b", "d", "f"}) net.Down("a", peer);
  EXPECT_EQ(net.Mc("a").unacked(), 0u);
  EXPECT_EQ(net.Mc("a").stats().given_up, waiting);
  // Their children in a's tree (b's child c; d's child e) are handed the copies instead.
  EXPECT_EQ(net.Mc("a").stats().bypassed, 2u);
}

TEST(MulticastTest, RefusesBadInput) {
  Router router(Id("a"), RoutingConfig{});
  MulticastConfig config;
  config.max_payload_bytes = 10;
  Multicast mc(Id("a"), config, 1);
  Effects out;
  const Now now{Instant(std::chrono::seconds(1)), WallTime()};
  EXPECT_EQ(mc.Send(now, "t", {}, router, out).status().code(), StatusCode::kFailedPrecondition);
  mc.Start(1);
  EXPECT_EQ(mc.Send(now, "", {}, router, out).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(mc.Send(now, std::string(kMaxMcTopicBytes + 1, 't'), {}, router, out).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(mc.Send(now, "t", std::vector<uint8_t>(11), router, out).status().code(),
            StatusCode::kInvalidArgument);
  Result<uint64_t> first = mc.Send(now, "t", std::vector<uint8_t>(10), router, out);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*mc.Send(now, "t", {}, router, out), *first + 1);
}

TEST(MulticastTest, CopiesFromAnOlderIncarnationAreNeitherDeliveredNorForwarded) {
  Router router(Id("b"), RoutingConfig{});
  Multicast mc(Id("b"), {}, 1);
  mc.Start(1);
  mc.Subscribe("t");
  Effects out;
  const Now now{Instant(std::chrono::seconds(1)), WallTime()};
  McPacket packet{Id("a"), 5, 1, "t", 10, Id("a"), 1, {}};
  mc.OnMessage(now, Id("a"), packet, router, out);
  packet.incarnation = 4;
  packet.seq = 2;
  packet.hop_seq = 2;
  mc.OnMessage(now, Id("a"), packet, router, out);
  EXPECT_EQ(mc.stats().delivered, 1u);
  EXPECT_EQ(mc.stats().too_old, 1u);
  EXPECT_EQ(mc.stats().acks_sent, 2u);  // acknowledged all the same, so the sender stops
}

TEST(MulticastTest, NewOriginsBeyondTheWindowBoundAreRefused) {
  Router router(Id("b"), RoutingConfig{});
  Effects out;
  const Now now{Instant(std::chrono::seconds(1)), WallTime()};
  router.SetLinks(now, Id("b"), {{Id("o1"), 100, false}, {Id("o2"), 100, false}}, out);
  MulticastConfig config;
  config.max_origins = 1;
  Multicast mc(Id("b"), config, 1);
  mc.Start(1);
  mc.Subscribe("t");
  mc.OnMessage(now, Id("o1"), McPacket{Id("o1"), 1, 1, "t", 10, Id("o1"), 0, {}}, router, out);
  mc.OnMessage(now, Id("o2"), McPacket{Id("o2"), 1, 1, "t", 10, Id("o2"), 0, {}}, router, out);
  EXPECT_EQ(mc.stats().delivered, 1u);
  EXPECT_EQ(mc.stats().origins_refused, 1u);
  // A window whose origin the graph no longer knows makes room.
  router.SetLinks(now, Id("b"), {{Id("o2"), 100, false}}, out);
  mc.OnMessage(now, Id("o2"), McPacket{Id("o2"), 1, 2, "t", 10, Id("o2"), 0, {}}, router, out);
  EXPECT_EQ(mc.stats().delivered, 2u);
}

}  // namespace
}  // namespace lashup::routing
