// lashup::testing::NetworkFaults with real nodes over loopback TCP and mutual TLS: partitions,
// one-way blocks, delays, closed connections and frozen nodes, seen through the public API.
// Every wait polls a condition with a deadline.
#include "lashup/testing/network_faults.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "api/test_cluster.h"
#include "lashup/node.h"

namespace lashup {
namespace {

using namespace std::chrono_literals;
namespace ops = crdt::ops;
using api::testing::TestCluster;
using lashup::testing::NetworkFaults;

template <typename Predicate>
bool PollUntil(Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

double MetricOf(Node& node, const std::string& name) {
  auto stats = node.Stats();
  if (!stats.ok()) return -1;
  for (const Metric& metric : stats->metrics) {
    if (metric.name == name) return metric.value;
  }
  return -1;
}

// A cluster whose nodes all inject faults from one NetworkFaults, formed and fully reachable.
// The faults object is declared first, so it outlives the nodes.
class FaultsTest : public ::testing::Test {
 protected:
  // Node n1 (index 0) is every other node's contact. With `contacts_all`, n1 gets n2 as its own
  // contact, as every node of a real deployment has: a node cut off long enough loses its
  // passive view (each neighbour request times out) and, without a contact to rejoin through,
  // waits for the others' departition probes (tens of seconds under the Local preset).
  void Form(int size, bool contacts_all = false) {
    cluster_ = std::make_unique<TestCluster>(size);
    cluster_->set_faults(&faults_);
    NodeConfig first = cluster_->Config(0);
    if (contacts_all) first.contacts = {cluster_->id(1)};
    ASSERT_TRUE(cluster_->Open(0, std::move(first)).ok());
    for (int i = 1; i < size; ++i) ASSERT_TRUE(cluster_->Open(i).ok());
    ASSERT_TRUE(cluster_->WaitAllReachable(20s)) << cluster_->Describe();
  }
  TestCluster& cluster() { return *cluster_; }
  const NodeId& id(int i) { return cluster_->id(i); }

  NetworkFaults faults_;
  std::unique_ptr<TestCluster> cluster_;
};

TEST_F(FaultsTest, PartitionCutsANodeOffAndHealAllBringsItBack) {
  Form(4, /*contacts_all=*/true);
  faults_.Partition({id(0)}, {id(1), id(2), id(3)});
  EXPECT_TRUE(faults_.Blocked(id(0), id(2)));
  EXPECT_TRUE(faults_.Blocked(id(3), id(0)));
  EXPECT_FALSE(faults_.Blocked(id(1), id(2)));
  for (int i = 1; i < 4; ++i) {
    EXPECT_TRUE(cluster().WaitReachable(i, id(0), false, 20s)) << cluster().Describe();
  }
  EXPECT_TRUE(cluster().WaitReachable(0, id(1), false, 20s)) << cluster().Describe();
  EXPECT_TRUE(cluster().WaitReachable(1, id(3), true, 10s)) << cluster().Describe();
  EXPECT_GT(faults_.counters().envelopes_dropped, 0u);

  // A write on the cut-off side merges once the partition heals.
  ASSERT_TRUE(cluster().node(0).Update({"cut", "off"}, {ops::Increment("n")}).ok());
  faults_.HealAll();
  EXPECT_FALSE(faults_.Blocked(id(0), id(2)));
  EXPECT_TRUE(cluster().WaitAllReachable(30s)) << cluster().Describe();
  EXPECT_TRUE(cluster().WaitForKey(3, {"cut", "off"}, 20s));
}

TEST_F(FaultsTest, OneWayBlockDropsEnvelopesAndPreventsNewConnections) {
  Form(2);
  faults_.Block(id(1), id(0));
  EXPECT_TRUE(faults_.Blocked(id(1), id(0)));
  EXPECT_FALSE(faults_.Blocked(id(0), id(1)));
  EXPECT_TRUE(PollUntil([&] { return faults_.counters().envelopes_dropped > 0; }, 5s));

  // Nothing node 2 sends reaches node 1 now. Its link goes (the failure detector, or the idle
  // timeout of a connection that hears nothing) and is not made again while the block holds.
  const Key key{"one", "way"};
  ASSERT_TRUE(cluster().node(1).Update(key, {ops::Increment("n")}).ok());
  EXPECT_TRUE(PollUntil([&] { return faults_.counters().dials_refused > 0; }, 20s));
  EXPECT_EQ(cluster().node(0).Get(key).status().code(), StatusCode::kNotFound);

  faults_.Unblock(id(1), id(0));
  EXPECT_TRUE(cluster().WaitForKey(0, key, 20s));
  EXPECT_TRUE(cluster().WaitAllReachable(20s)) << cluster().Describe();
}

TEST_F(FaultsTest, DelayHoldsEnvelopesBackButDelivers) {
  Form(2);
  constexpr auto kDelay = 200ms;
  faults_.SetDelay(id(0), id(1), kDelay);
  EXPECT_EQ(faults_.Delay(id(0), id(1)), kDelay);
  EXPECT_EQ(faults_.Delay(id(1), id(0)), Duration(0));

  // Only node 1 has the value and everything it sends node 2 waits kDelay: the write cannot
  // arrive sooner.
  const Key key{"slow", "link"};
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(cluster().node(0).Update(key, {ops::Increment("n")}).ok());
  ASSERT_TRUE(cluster().WaitForKey(1, key, 10s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, kDelay);
  EXPECT_GT(faults_.counters().envelopes_delayed, 0u);
  EXPECT_EQ(faults_.counters().envelopes_dropped, 0u);

  faults_.ClearDelays();
  EXPECT_EQ(faults_.Delay(id(0), id(1)), Duration(0));
  EXPECT_TRUE(cluster().WaitAllReachable(10s)) << cluster().Describe();
}

TEST_F(FaultsTest, CloseConnectionsDropsLinksThatComeBack) {
  Form(3);
  const double down0 = MetricOf(cluster().node(0), "transport_links_down_total");
  const double down1 = MetricOf(cluster().node(1), "transport_links_down_total");
  const double up0 = MetricOf(cluster().node(0), "transport_links_up_total");
  ASSERT_GE(down0, 0);

  ASSERT_TRUE(faults_.CloseConnections(id(0)).ok());
  // n1's own links are down when the call returns; its peers see their ends close.
  EXPECT_GT(MetricOf(cluster().node(0), "transport_links_down_total"), down0);
  EXPECT_TRUE(PollUntil(
      [&] { return MetricOf(cluster().node(1), "transport_links_down_total") > down1; }, 5s));
  EXPECT_TRUE(PollUntil(
      [&] { return MetricOf(cluster().node(0), "transport_links_up_total") > up0; }, 10s));
  EXPECT_TRUE(cluster().WaitAllReachable(20s)) << cluster().Describe();

  // The links carry data again.
  ASSERT_TRUE(cluster().node(0).Update({"after", "reset"}, {ops::Increment("n")}).ok());
  EXPECT_TRUE(cluster().WaitForKey(2, {"after", "reset"}, 10s));
  EXPECT_EQ(faults_.CloseConnections(NodeId::FromLiteral("stranger@127.0.0.1:1")).code(),
            StatusCode::kNotFound);
}

TEST_F(FaultsTest, FreezeMakesANodeUnreachableAndThawBringsItBack) {
  Form(3);
  ASSERT_TRUE(faults_.Freeze(id(2)).ok());
  EXPECT_EQ(faults_.CloseConnections(id(2)).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(cluster().WaitReachable(0, id(2), false, 20s)) << cluster().Describe();
  EXPECT_TRUE(cluster().WaitReachable(1, id(2), false, 20s)) << cluster().Describe();
  ASSERT_TRUE(faults_.Thaw(id(2)).ok());
  EXPECT_TRUE(cluster().WaitAllReachable(30s)) << cluster().Describe();
}

TEST_F(FaultsTest, CloseOfAFrozenNodeReturns) {
  Form(2);
  ASSERT_TRUE(faults_.Freeze(id(1)).ok());
  // A call stuck on the frozen node holds it open: Close must thaw it to get past.
  std::atomic<bool> calling{false};
  std::thread caller([&] {
    calling = true;
    (void)cluster().node(1).Get({"any"});
  });
  ASSERT_TRUE(PollUntil([&] { return calling.load(); }, 5s));
  const auto start = std::chrono::steady_clock::now();
  cluster().node(1).Close();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  caller.join();
  EXPECT_EQ(faults_.Freeze(id(1)).code(), StatusCode::kNotFound);
  EXPECT_EQ(faults_.Thaw(id(1)).code(), StatusCode::kNotFound);
  EXPECT_TRUE(cluster().WaitReachable(0, id(1), false, 20s)) << cluster().Describe();
}

}  // namespace
}  // namespace lashup
