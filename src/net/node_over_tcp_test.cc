// The composed node core (membership, routing, multicast) over the real transport: four nodes
// on loopback with mutual TLS. Every node's router comes to reach every other; once their
// graphs agree, a multicast reaches every other subscriber exactly once; a stopped node becomes
// unreachable in the survivors' routers and their route events say so. Every wait ends on a condition that driver
// callbacks signal, with a deadline.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/driven_node.h"
#include "node/node_core.h"

namespace lashup::net {
namespace {

using namespace std::chrono_literals;
using testing::DrivenNode;
using testing::LogCapture;
using testing::TestPki;
using testing::Waiter;

constexpr char kTopic[] = "news";

// What one node's events said, written on its driver's thread, read by the test.
struct Seen {
  std::mutex mutex;
  std::map<std::string, int> deliveries;  // "origin/seq" -> count
  std::vector<NodeId> last_unreachable;
  int route_events = 0;
};

class NodeOverTcpTest : public ::testing::Test {
 protected:
  static constexpr int kNodes = 4;

  void SetUp() override {
    NodeCoreConfig config = NodeCoreConfig::Local();
    config.membership.contacts = {Id(0), Id(1)};
    config.topics = {kTopic};
    for (int i = 0; i < kNodes; ++i) {
      seen_.push_back(std::make_unique<Seen>());
      nodes_.push_back(std::make_unique<DrivenNode>(Id(i), pki_.ForNode(Id(i)),
                                                    NodeCoreFactory(config), waiter_, log_));
      Seen* seen = seen_.back().get();
      nodes_.back()->on_event = [seen](const Event& event) { Record(*seen, event); };
    }
    for (auto& node : nodes_) {
      ASSERT_TRUE(node->Start(addresses_).ok()) << log_.All();
      addresses_[node->id()] = node->endpoint();
    }
    for (auto& node : nodes_) {
      for (const auto& [id, endpoint] : addresses_) {
        if (id != node->id()) {
          ASSERT_TRUE(node->driver().SetPeerAddress(id, endpoint).ok());
        }
      }
    }
  }

  static void Record(Seen& seen, const Event& event) {
    std::lock_guard lock(seen.mutex);
    if (const auto* d = std::get_if<McDelivered>(&event)) {
      ++seen.deliveries[d->origin.str() + "/" + std::to_string(d->seq)];
    } else if (const auto* r = std::get_if<RoutesChanged>(&event)) {
      seen.last_unreachable = r->unreachable;
      ++seen.route_events;
    }
  }
  static NodeId Id(int i) { return NodeId::FromLiteral("r" + std::to_string(i)); }

  bool Reaches(int i, int j) {
    bool reaches = false;
    nodes_[i]->Read<NodeCore>([&](NodeCore& core) { reaches = core.router().Reachable(Id(j)); });
    return reaches;
  }
  // Whether every node computes the same tree for `root` (each receiver forwards along its own
  // graph's tree, so only then is one copy to everyone promised).
  bool TreesAgree(int root) {
    std::string first;
    for (int i = 0; i < kNodes; ++i) {
      std::string paths;
      nodes_[i]->Read<NodeCore>([&](NodeCore& core) {
        for (int j = 0; j < kNodes; ++j) {
          for (const NodeId& hop : core.router().Path(Id(root), Id(j))) paths += hop.str() + ",";
          paths += ";";
        }
      });
      if (i == 0) first = paths;
      if (paths != first) return false;
    }
    return true;
  }
  bool AllReachAll() {
    for (int i = 0; i < kNodes; ++i) {
      for (int j = 0; j < kNodes; ++j) {
        if (!Reaches(i, j)) return false;
      }
    }
    return true;
  }
  std::string Stats() {
    std::string out;
    for (int i = 0; i < kNodes; ++i) {
      nodes_[i]->Read<NodeCore>([&](NodeCore& core) {
        const routing::MulticastStats& s = core.multicast().stats();
        out += Id(i).str() + ": forwarded " + std::to_string(s.forwarded) + " unconnected " +
               std::to_string(s.unconnected_children) + " bypassed " + std::to_string(s.bypassed) +
               " off_tree " + std::to_string(s.off_tree) + " given_up " +
               std::to_string(s.given_up) + " retransmitted " + std::to_string(s.retransmitted) +
               " delivered " + std::to_string(s.delivered) + " children of r2 tree: ";
        for (const NodeId& c : core.router().Children(Id(2), Id(i))) out += c.str() + " ";
        out += "\n";
      });
    }
    return out;
  }
  int Deliveries(int i, const std::string& key) {
    std::lock_guard lock(seen_[i]->mutex);
    auto it = seen_[i]->deliveries.find(key);
    return it == seen_[i]->deliveries.end() ? 0 : it->second;
  }

  TestPki pki_;
  Waiter waiter_;
  LogCapture log_{&waiter_};
  std::vector<std::unique_ptr<Seen>> seen_;
  std::vector<std::unique_ptr<DrivenNode>> nodes_;
  std::map<NodeId, Endpoint> addresses_;
};

TEST_F(NodeOverTcpTest, MulticastReachesEveryOtherSubscriberOnceAndRoutesFollowAStop) {
  ASSERT_TRUE(waiter_.WaitFor([&] { return AllReachAll() && TreesAgree(2); }, 20s))
      << log_.All();

  uint64_t seq = 0;
  Status sent = nodes_[2]->driver().Invoke([&](Core& core, const Now& now, Effects& out) {
    Result<uint64_t> r = static_cast<NodeCore&>(core).Multicast(now, kTopic, {7, 7, 7}, out);
    if (r.ok()) seq = *r;
  });
  ASSERT_TRUE(sent.ok()) << sent;
  ASSERT_NE(seq, 0u);
  const std::string key = Id(2).str() + "/" + std::to_string(seq);
  ASSERT_TRUE(waiter_.WaitFor(
      [&] { return Deliveries(0, key) > 0 && Deliveries(1, key) > 0 && Deliveries(3, key) > 0; },
      10s))
      << Stats() << log_.All();
  for (int i : {0, 1, 3}) EXPECT_EQ(Deliveries(i, key), 1) << i;
  EXPECT_EQ(Deliveries(2, key), 0);  // the origin does not deliver its own

  nodes_[3]->Stop();
  const auto unreachable_everywhere = [&] {
    for (int i : {0, 1, 2}) {
      if (Reaches(i, 3)) return false;
      std::lock_guard lock(seen_[i]->mutex);
      if (seen_[i]->last_unreachable != std::vector<NodeId>{Id(3)}) return false;
    }
    return true;
  };
  EXPECT_TRUE(waiter_.WaitFor(unreachable_everywhere, 20s)) << log_.All();
}

}  // namespace
}  // namespace lashup::net
