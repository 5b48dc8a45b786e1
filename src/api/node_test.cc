// lashup::Node end to end in one process: real nodes over loopback TCP with mutual TLS and
// RocksDB in temporary directories, driven only through the public API.
#include "lashup/node.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>

#include "api/test_cluster.h"
#include "lashup/testing/cluster_certs.h"

namespace lashup {
namespace {

using namespace std::chrono_literals;
namespace ops = crdt::ops;
using api::testing::Mailbox;
using api::testing::TestCluster;

TEST(NodeOpenTest, RefusesBadConfigurations) {
  TestCluster cluster(1);
  NodeConfig config = cluster.Config(0);
  config.data_dir.clear();
  EXPECT_EQ(Node::Open(config).status().code(), StatusCode::kInvalidArgument);
  config = cluster.Config(0);
  config.tls.cert_file = cluster.dir() + "/missing.pem";
  auto missing = Node::Open(config);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("missing.pem"), std::string::npos);
  config = cluster.Config(0);
  config.listen = "nonsense";
  EXPECT_EQ(Node::Open(config).status().code(), StatusCode::kInvalidArgument);
  config = cluster.Config(0);
  config.contacts = {NodeId::FromLiteral("nameonly")};
  EXPECT_EQ(Node::Open(config).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePreset("lan").value(), Preset::kLan);
  EXPECT_EQ(ParsePreset("fast").status().code(), StatusCode::kInvalidArgument);
}

TEST(NodeTest, ClusterFormsReplicatesAndSurvivesARestart) {
  Mailbox<KeyEvent> seen;  // outlives the nodes whose listener pushes into it
  TestCluster cluster(3);
  ASSERT_TRUE(cluster.OpenAll().ok());
  ASSERT_TRUE(cluster.WaitAllReachable(10s)) << cluster.Describe();

  auto watch = cluster.node(2).WatchKeys({"svc"}, [&](const KeyEvent& e) { seen.Push(e); });
  ASSERT_TRUE(watch.ok()) << watch.status();
  auto value = cluster.node(0).Update({"svc", "vips"}, {ops::Add("backends", "10.0.0.1:80"),
                                                         ops::Increment("generation")});
  ASSERT_TRUE(value.ok()) << value.status();
  auto event = seen.WaitFor([](const KeyEvent& e) { return !e.snapshot; }, 5s);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->key, (Key{"svc", "vips"}));
  EXPECT_EQ(event->value, *value);
  // Node 3's watch saw it; node 2 gets it on its own path through the tree.
  ASSERT_TRUE(cluster.WaitForKey(1, {"svc", "vips"}, 5s));
  EXPECT_EQ(cluster.node(1).Get({"svc", "vips"}).value(), *value);
  EXPECT_EQ(cluster.node(1).Get({"svc", "nothing"}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cluster.node(1).Keys({}).value(), (std::vector<Key>{{"svc", "vips"}}));

  // Node 1 goes away: the others see it unreachable, then it comes back with its data.
  const NodeId gone = cluster.id(1);
  cluster.Close(1);
  EXPECT_TRUE(cluster.WaitReachable(0, gone, false, 10s));
  EXPECT_TRUE(cluster.WaitReachable(2, gone, false, 10s));
  ASSERT_TRUE(cluster.Open(1).ok());
  EXPECT_EQ(cluster.node(1).Get({"svc", "vips"}).value(), *value);
  EXPECT_TRUE(cluster.WaitReachable(0, gone, true, 10s));
  EXPECT_TRUE(cluster.node(2).Unsubscribe(*watch).ok());
  EXPECT_EQ(cluster.node(2).Unsubscribe(*watch).code(), StatusCode::kNotFound);
}

TEST(NodeTest, TopicsDeliverOnceAndListenersCannotCallBack) {
  // Declared before the cluster, so they outlive the nodes whose listeners push into them.
  Mailbox<TopicMessage> got1, got2;
  Mailbox<StatusCode> callback_status;
  TestCluster cluster(3);
  ASSERT_TRUE(cluster.OpenAll().ok());
  ASSERT_TRUE(cluster.WaitAllReachable(10s)) << cluster.Describe();
  Node& n1 = cluster.node(1);
  ASSERT_TRUE(n1.SubscribeTopic("news", [&](const TopicMessage& m) {
                  got1.Push(m);
                  callback_status.Push(n1.Get({"x"}).status().code());
                }).ok());
  ASSERT_TRUE(cluster.node(2).SubscribeTopic("news", [&](const TopicMessage& m) {
                  got2.Push(m);
                }).ok());
  EXPECT_EQ(cluster.node(0).SubscribeTopic("lashup/kv", [](const TopicMessage&) {}).status().code(),
            StatusCode::kInvalidArgument);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(cluster.node(0).Publish("news", {static_cast<uint8_t>(i)}).ok());
  }
  for (Mailbox<TopicMessage>* box : {&got1, &got2}) {
    std::set<uint8_t> payloads;
    for (int i = 0; i < 5; ++i) {
      auto m = box->WaitFor([](const TopicMessage&) { return true; }, 5s);
      ASSERT_TRUE(m.has_value());
      EXPECT_EQ(m->origin, cluster.id(0));
      payloads.insert(m->payload.at(0));
    }
    EXPECT_EQ(payloads.size(), 5u);
  }
  EXPECT_EQ(callback_status.WaitFor([](StatusCode) { return true; }, 1s),
            StatusCode::kFailedPrecondition);
  // Exactly once: a marker published after them arrives next, with nothing repeated before it.
  ASSERT_TRUE(cluster.node(0).Publish("news", {99}).ok());
  auto next = got2.WaitFor([](const TopicMessage&) { return true; }, 5s);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->payload.at(0), 99);
}

TEST(NodeTest, ListenersCannotCloseTheirNodeAndTheKvTopicIsReserved) {
  Mailbox<bool> closed_inside;  // outlives the node whose listener pushes into it
  TestCluster cluster(1);
  ASSERT_TRUE(cluster.OpenAll().ok());
  Node& node = cluster.node(0);
  ASSERT_TRUE(node.WatchKeys({"k"}, [&](const KeyEvent&) {
                    node.Close();  // ignored: it would wait for this very thread
                    closed_inside.Push(true);
                  }).ok());
  ASSERT_TRUE(node.Update({"k"}, {ops::Enable("f")}).ok());
  ASSERT_TRUE(closed_inside.WaitFor([](bool) { return true; }, 5s).has_value());
  EXPECT_TRUE(node.Get({"k"}).ok()) << "the node still runs";
  EXPECT_EQ(node.Publish("lashup/kv", {1}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(node.Publish("", {1}).status().code(), StatusCode::kInvalidArgument);
  const auto perms = std::filesystem::status(cluster.Config(0).data_dir).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_all);
  node.Close();
  EXPECT_EQ(node.Get({"k"}).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(node.Health().code(), StatusCode::kUnavailable);
}

TEST(NodeTest, StatsNameEveryComponent) {
  TestCluster cluster(2);
  ASSERT_TRUE(cluster.OpenAll().ok());
  ASSERT_TRUE(cluster.WaitAllReachable(10s)) << cluster.Describe();
  ASSERT_TRUE(cluster.node(0).Update({"k"}, {ops::Enable("on")}).ok());
  auto stats = cluster.node(0).Stats();
  ASSERT_TRUE(stats.ok());
  std::set<std::string> names;
  for (const Metric& m : stats->metrics) names.insert(m.name);
  for (const char* name : {"membership_active_view", "membership_reachable", "fd_local_health",
                           "multicast_sent_total", "kv_local_updates_total",
                           "storage_synced_batches_total", "transport_links_up_total"}) {
    EXPECT_TRUE(names.contains(name)) << name;
  }
  bool update_latency = false;
  for (const LatencyHistogram& h : stats->latencies) {
    ASSERT_EQ(h.buckets.size(), h.bounds.size() + 1) << h.name;
    EXPECT_EQ(h.buckets.back(), h.count) << h.name;
    if (h.name == "kv_update_seconds") update_latency = h.count == 1;
  }
  EXPECT_TRUE(update_latency);
  cluster.Close(0);
  EXPECT_EQ(cluster.node_or_null(0), nullptr);
}

}  // namespace
}  // namespace lashup
