// The membership core over the real transport: five nodes on loopback with mutual TLS form one
// cluster; a stopped node (its sockets close) and a frozen one (its sockets stay open, so only
// the failure detector can tell) become unreachable in every survivor's table, and come back
// when restarted or thawed. The same core the simulator runs, unchanged. Every wait ends on a
// condition that driver callbacks signal, with a deadline.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "membership/membership_core.h"
#include "net/driven_node.h"

namespace lashup::net {
namespace {

using namespace std::chrono_literals;
using membership::MembershipConfig;
using membership::MembershipCore;
using testing::LogCapture;
using testing::TestPki;
using testing::Waiter;

// One MembershipCore under an AsioDriver, restartable on the same port with the same storage.
class MemberNode : public testing::DrivenNode {
 public:
  MemberNode(NodeId id, TlsFiles tls, std::vector<NodeId> contacts, Waiter& waiter,
             LogCapture& log)
      : DrivenNode(std::move(id), std::move(tls), Factory(std::move(contacts)), waiter, log) {}

  // The members this node's table reaches; empty if not running.
  std::set<NodeId> Reachable() {
    std::set<NodeId> reachable;
    Read<MembershipCore>([&](MembershipCore& core) { reachable = core.global().Reachable(); });
    return reachable;
  }
  uint64_t DeclaredFailed() {
    uint64_t declared = 0;
    Read<MembershipCore>([&](MembershipCore& core) { declared = core.peers_declared_failed(); });
    return declared;
  }
  uint64_t Epoch() {
    uint64_t epoch = 0;
    Read<MembershipCore>([&](MembershipCore& core) { epoch = core.epoch(); });
    return epoch;
  }

 private:
  static CoreFactory Factory(std::vector<NodeId> contacts) {
    MembershipConfig config = MembershipConfig::Local();
    config.contacts = std::move(contacts);
    return membership::MembershipCoreFactory(config);
  }
};

class MembershipOverTcpTest : public ::testing::Test {
 protected:
  static constexpr int kNodes = 5;

  void SetUp() override {
    std::vector<NodeId> contacts = {Id(0), Id(1)};
    for (int i = 0; i < kNodes; ++i) {
      nodes_.push_back(
          std::make_unique<MemberNode>(Id(i), pki_.ForNode(Id(i)), contacts, waiter_, log_));
    }
    // The contacts first, so everyone else knows where they listen from the start.
    for (auto& node : nodes_) {
      ASSERT_TRUE(node->Start(Addresses()).ok()) << log_.All();
      addresses_[node->id()] = node->endpoint();
    }
    Introduce();
  }

  static NodeId Id(int i) { return NodeId::FromLiteral("m" + std::to_string(i)); }
  std::map<NodeId, Endpoint> Addresses() const { return addresses_; }
  // Members learn each other's ids by gossip; the transport needs their addresses too.
  void Introduce() {
    for (auto& node : nodes_) {
      if (!node->running()) continue;
      for (const auto& [id, endpoint] : addresses_) {
        if (id != node->id()) {
          ASSERT_TRUE(node->driver().SetPeerAddress(id, endpoint).ok());
        }
      }
    }
  }
  bool Eventually(const std::function<bool()>& ready, Duration timeout = 20s) {
    return waiter_.WaitFor(ready, timeout);
  }
  // Whether every node in `observers` reaches exactly `expected` in its own table.
  bool AllReachExactly(const std::vector<int>& observers, const std::set<NodeId>& expected) {
    for (int i : observers) {
      if (nodes_[i]->Reachable() != expected) return false;
    }
    return true;
  }
  std::set<NodeId> Ids(const std::vector<int>& which) {
    std::set<NodeId> ids;
    for (int i : which) ids.insert(Id(i));
    return ids;
  }

  TestPki pki_;
  Waiter waiter_;
  LogCapture log_{&waiter_};
  std::vector<std::unique_ptr<MemberNode>> nodes_;
  std::map<NodeId, Endpoint> addresses_;
};

const std::vector<int> kAll = {0, 1, 2, 3, 4};

TEST_F(MembershipOverTcpTest, FormOneClusterAndSeeAStoppedNodeGoAndComeBack) {
  ASSERT_TRUE(Eventually([&] { return AllReachExactly(kAll, Ids(kAll)); })) << log_.All();

  // Stopped: its sockets close, so the survivors' links go down at once.
  const uint64_t first_epoch = nodes_[4]->Epoch();
  nodes_[4]->Stop();
  const std::vector<int> survivors = {0, 1, 2, 3};
  ASSERT_TRUE(Eventually([&] { return AllReachExactly(survivors, Ids(survivors)); }))
      << log_.All();

  // Restarted on the same port with the same storage: a newer epoch, back in every table.
  ASSERT_TRUE(nodes_[4]->Start(Addresses()).ok()) << log_.All();
  Introduce();
  ASSERT_TRUE(Eventually([&] { return AllReachExactly(kAll, Ids(kAll)); })) << log_.All();
  EXPECT_GT(nodes_[4]->Epoch(), first_epoch);
}

TEST_F(MembershipOverTcpTest, AFrozenNodeIsFoundByTheFailureDetectorAndBackAfterThaw) {
  ASSERT_TRUE(Eventually([&] { return AllReachExactly(kAll, Ids(kAll)); })) << log_.All();

  // Frozen like SIGSTOP: its sockets stay open and it answers nothing.
  nodes_[3]->driver().Freeze();
  const std::vector<int> others = {0, 1, 2, 4};
  ASSERT_TRUE(Eventually([&] { return AllReachExactly(others, Ids(others)); })) << log_.All();
  uint64_t declared = 0;
  for (int i : others) declared += nodes_[i]->DeclaredFailed();
  EXPECT_GT(declared, 0u);  // pings went unanswered, not only a transport timeout

  nodes_[3]->driver().Thaw();
  ASSERT_TRUE(Eventually([&] { return AllReachExactly(kAll, Ids(kAll)); })) << log_.All();
}

}  // namespace
}  // namespace lashup::net
