#include "core/effects.h"

#include <map>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/event.h"
#include "core/message.h"
#include "core/persistence.h"
#include "core/timer_id.h"
#include "gtest/gtest.h"

namespace lashup {
namespace {

const NodeId kA = NodeId::FromLiteral("node-a");
const NodeId kB = NodeId::FromLiteral("node-b");
const NodeId kC = NodeId::FromLiteral("node-c");

TimerId MakeTimer(Component component, uint32_t kind, uint64_t key) {
  TimerId id;
  id.component = component;
  id.kind = kind;
  id.key = key;
  return id;
}

WriteBatch OnePut(std::string key, std::string value) {
  WriteBatch batch;
  batch.Put(Column::kTest, std::move(key), std::move(value));
  return batch;
}

TEST(EffectsTest, StartsEmpty) {
  Effects out;
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(out.net().empty());
  EXPECT_TRUE(out.timers().empty());
  EXPECT_TRUE(out.persists().empty());
  EXPECT_TRUE(out.events().empty());
}

TEST(EffectsTest, RecordsNetOpsInCallOrder) {
  Effects out;
  out.Connect(kA);
  out.Send(kA, Ping{1, 100});
  out.Send(kB, Pong{2, 200}, SendMode::kConnectFirst);
  out.Disconnect(kC);
  out.Send(kC, TestData{"label", {1, 2, 3}, {kA, kB}});

  const std::vector<NetOp>& net = out.net();
  ASSERT_EQ(net.size(), 5u);

  EXPECT_EQ(net[0].kind, NetOp::Kind::kConnect);
  EXPECT_EQ(net[0].peer, kA);

  EXPECT_EQ(net[1].kind, NetOp::Kind::kSend);
  EXPECT_EQ(net[1].peer, kA);
  EXPECT_EQ(net[1].mode, SendMode::kIfConnected);
  EXPECT_EQ(net[1].message, Message(Ping{1, 100}));

  EXPECT_EQ(net[2].kind, NetOp::Kind::kSend);
  EXPECT_EQ(net[2].peer, kB);
  EXPECT_EQ(net[2].mode, SendMode::kConnectFirst);
  EXPECT_EQ(net[2].message, Message(Pong{2, 200}));

  EXPECT_EQ(net[3].kind, NetOp::Kind::kDisconnect);
  EXPECT_EQ(net[3].peer, kC);

  EXPECT_EQ(net[4].kind, NetOp::Kind::kSend);
  EXPECT_EQ(net[4].peer, kC);
  const auto* data = std::get_if<TestData>(&net[4].message);
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(data->label, "label");
  EXPECT_EQ(data->payload, (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(data->nodes, (std::vector<NodeId>{kA, kB}));

  EXPECT_FALSE(out.empty());
  EXPECT_TRUE(out.timers().empty());
  EXPECT_TRUE(out.persists().empty());
  EXPECT_TRUE(out.events().empty());
}

TEST(EffectsTest, MutableNetAllowsDriverToRewriteOps) {
  Effects out;
  out.Send(kA, Ping{1, 0});
  out.Send(kB, Ping{2, 0});
  out.mutable_net().erase(out.mutable_net().begin());
  ASSERT_EQ(out.net().size(), 1u);
  EXPECT_EQ(out.net()[0].peer, kB);
}

TEST(EffectsTest, RecordsTimersInOrder) {
  Effects out;
  const TimerId probe = MakeTimer(Component::kFailureDetector, 1, 7);
  const TimerId shuffle = MakeTimer(Component::kHyParView, 2, 0);
  out.SetTimer(probe, InstantFromNanos(1000));
  out.SetTimer(shuffle, InstantFromNanos(500));
  out.CancelTimer(probe);
  out.SetTimer(probe, InstantFromNanos(2000));

  const std::vector<TimerOp>& timers = out.timers();
  ASSERT_EQ(timers.size(), 4u);
  EXPECT_FALSE(timers[0].cancel);
  EXPECT_EQ(timers[0].id, probe);
  EXPECT_EQ(ToNanos(timers[0].at), 1000);
  EXPECT_FALSE(timers[1].cancel);
  EXPECT_EQ(timers[1].id, shuffle);
  EXPECT_EQ(ToNanos(timers[1].at), 500);
  EXPECT_TRUE(timers[2].cancel);
  EXPECT_EQ(timers[2].id, probe);
  EXPECT_FALSE(timers[3].cancel);
  EXPECT_EQ(ToNanos(timers[3].at), 2000);

  EXPECT_FALSE(out.empty());
  EXPECT_TRUE(out.net().empty());
}

TEST(EffectsTest, RecordsPersistsAndIgnoresEmptyBatches) {
  Effects out;
  out.Persist(WriteBatch(), Durability::kSync);
  EXPECT_TRUE(out.persists().empty());
  EXPECT_TRUE(out.empty());

  WriteBatch two;
  two.Put(Column::kMeta, "epoch", "3");
  two.Delete(Column::kKv, "old");
  out.Persist(OnePut("k1", "v1"), Durability::kBuffered);
  out.Persist(WriteBatch(), Durability::kBuffered);
  out.Persist(two, Durability::kSync);

  const std::vector<PersistOp>& persists = out.persists();
  ASSERT_EQ(persists.size(), 2u);
  EXPECT_EQ(persists[0].durability, Durability::kBuffered);
  ASSERT_EQ(persists[0].batch.ops().size(), 1u);
  EXPECT_EQ(persists[0].batch.ops()[0], (WriteOp{WriteOp::Kind::kPut, Column::kTest, "k1", "v1"}));
  EXPECT_EQ(persists[1].durability, Durability::kSync);
  EXPECT_EQ(persists[1].batch.ops(), two.ops());
  EXPECT_EQ(persists[1].batch.ops()[1].kind, WriteOp::Kind::kDelete);
  EXPECT_EQ(persists[1].batch.ops()[1].value, "");
  EXPECT_FALSE(out.empty());
}

TEST(EffectsTest, RecordsEventsInOrder) {
  Effects out;
  out.Emit(RttMeasured{kA, Duration(10)});
  out.Emit(RttMeasured{kB, Duration(20)});
  ASSERT_EQ(out.events().size(), 2u);
  EXPECT_EQ(out.events()[0], Event(RttMeasured{kA, Duration(10)}));
  EXPECT_EQ(out.events()[1], Event(RttMeasured{kB, Duration(20)}));
  EXPECT_FALSE(out.empty());
}

TEST(EffectsTest, EachKindAloneMakesItNonEmpty) {
  {
    Effects out;
    out.Disconnect(kA);
    EXPECT_FALSE(out.empty());
  }
  {
    Effects out;
    out.CancelTimer(TimerId{});
    EXPECT_FALSE(out.empty());
  }
  {
    Effects out;
    out.Persist(OnePut("k", "v"), Durability::kBuffered);
    EXPECT_FALSE(out.empty());
  }
  {
    Effects out;
    out.Emit(RttMeasured{kA, Duration(1)});
    EXPECT_FALSE(out.empty());
  }
}

TEST(EffectsTest, ClearEmptiesEverything) {
  Effects out;
  out.Send(kA, Ping{});
  out.Connect(kB);
  out.SetTimer(TimerId{}, InstantFromNanos(1));
  out.Persist(OnePut("k", "v"), Durability::kSync);
  out.Emit(RttMeasured{kA, Duration(1)});
  ASSERT_FALSE(out.empty());

  out.Clear();
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(out.net().empty());
  EXPECT_TRUE(out.timers().empty());
  EXPECT_TRUE(out.persists().empty());
  EXPECT_TRUE(out.events().empty());

  // Reusable after Clear.
  out.Send(kC, Pong{});
  ASSERT_EQ(out.net().size(), 1u);
  EXPECT_EQ(out.net()[0].peer, kC);
}

TEST(TimerIdTest, DefaultValues) {
  TimerId id;
  EXPECT_EQ(id.component, Component::kTest);
  EXPECT_EQ(id.kind, 0u);
  EXPECT_EQ(id.key, 0u);
}

TEST(TimerIdTest, EqualityComparesAllFields) {
  const TimerId base = MakeTimer(Component::kRouting, 3, 99);
  EXPECT_EQ(base, MakeTimer(Component::kRouting, 3, 99));
  EXPECT_NE(base, MakeTimer(Component::kKv, 3, 99));
  EXPECT_NE(base, MakeTimer(Component::kRouting, 4, 99));
  EXPECT_NE(base, MakeTimer(Component::kRouting, 3, 100));
}

TEST(TimerIdTest, OrderingIsComponentThenKindThenKey) {
  EXPECT_LT(MakeTimer(Component::kHyParView, 9, 9), MakeTimer(Component::kRouting, 0, 0));
  EXPECT_LT(MakeTimer(Component::kKv, 1, 999), MakeTimer(Component::kKv, 2, 0));
  EXPECT_LT(MakeTimer(Component::kKv, 1, 5), MakeTimer(Component::kKv, 1, 6));
  EXPECT_GT(MakeTimer(Component::kNode, 0, 0), MakeTimer(Component::kTest, 100, 100));

  std::set<TimerId> ordered = {MakeTimer(Component::kKv, 1, 2), MakeTimer(Component::kTest, 5, 0),
                               MakeTimer(Component::kKv, 0, 7), MakeTimer(Component::kKv, 1, 1)};
  std::vector<TimerId> expected = {MakeTimer(Component::kTest, 5, 0),
                                   MakeTimer(Component::kKv, 0, 7), MakeTimer(Component::kKv, 1, 1),
                                   MakeTimer(Component::kKv, 1, 2)};
  EXPECT_EQ(std::vector<TimerId>(ordered.begin(), ordered.end()), expected);
}

TEST(TimerIdTest, HashIsConsistentAndSpreads) {
  std::hash<TimerId> hasher;
  EXPECT_EQ(hasher(MakeTimer(Component::kKv, 2, 3)), hasher(MakeTimer(Component::kKv, 2, 3)));

  // Within one component, every (kind, key) pair a core is likely to use hashes differently,
  // and the same (kind, key) hashes differently in each component.
  std::set<size_t> within;
  for (uint32_t kind = 0; kind < 8; ++kind) {
    for (uint64_t key = 0; key < 200; ++key) {
      within.insert(hasher(MakeTimer(Component::kHyParView, kind, key)));
    }
  }
  EXPECT_EQ(within.size(), 8u * 200u);
  std::set<size_t> across;
  for (int c = 0; c < kComponentCount; ++c) {
    across.insert(hasher(MakeTimer(static_cast<Component>(c), 1, 1000)));
  }
  EXPECT_EQ(across.size(), static_cast<size_t>(kComponentCount));

  std::unordered_set<TimerId> set;
  set.insert(MakeTimer(Component::kMembership, 1, 1));
  set.insert(MakeTimer(Component::kMembership, 1, 1));
  set.insert(MakeTimer(Component::kMembership, 1, 2));
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.contains(MakeTimer(Component::kMembership, 1, 2)));
  EXPECT_FALSE(set.contains(MakeTimer(Component::kMulticast, 1, 2)));
}

TEST(TimerIdTest, ComponentNames) {
  const std::map<Component, std::string_view> expected = {
      {Component::kTest, "test"},
      {Component::kHyParView, "hyparview"},
      {Component::kFailureDetector, "failure_detector"},
      {Component::kMembership, "membership"},
      {Component::kRouting, "routing"},
      {Component::kMulticast, "multicast"},
      {Component::kKv, "kv"},
      {Component::kAntiEntropy, "anti_entropy"},
      {Component::kNode, "node"},
  };
  ASSERT_EQ(expected.size(), static_cast<size_t>(kComponentCount));
  for (const auto& [component, name] : expected) {
    EXPECT_EQ(ComponentName(component), name) << static_cast<int>(component);
  }
  EXPECT_EQ(ComponentName(static_cast<Component>(kComponentCount)), "unknown");
  EXPECT_EQ(ComponentName(static_cast<Component>(255)), "unknown");
}

TEST(TimerIdTest, ComponentNamesAreDistinct) {
  std::set<std::string_view> names;
  for (int c = 0; c < kComponentCount; ++c) {
    names.insert(ComponentName(static_cast<Component>(c)));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kComponentCount));
  EXPECT_FALSE(names.contains("unknown"));
}

TEST(MessageTest, KindNames) {
  EXPECT_EQ(MessageKind(Ping{}), "ping");
  EXPECT_EQ(MessageKind(Pong{}), "pong");
  EXPECT_EQ(MessageKind(TestData{}), "test_data");
  EXPECT_EQ(MessageKind(HvJoin{}), "hv_join");
  EXPECT_EQ(MessageKind(HvJoinReply{}), "hv_join_reply");
  EXPECT_EQ(MessageKind(HvForwardJoin{}), "hv_forward_join");
  EXPECT_EQ(MessageKind(HvNeighbor{}), "hv_neighbor");
  EXPECT_EQ(MessageKind(HvNeighborReply{}), "hv_neighbor_reply");
  EXPECT_EQ(MessageKind(HvDisconnect{}), "hv_disconnect");
  EXPECT_EQ(MessageKind(HvShuffle{}), "hv_shuffle");
  EXPECT_EQ(MessageKind(HvShuffleReply{}), "hv_shuffle_reply");
  EXPECT_EQ(MessageKind(FdPing{}), "fd_ping");
  EXPECT_EQ(MessageKind(FdAck{}), "fd_ack");
  EXPECT_EQ(MessageKind(FdProbeRequest{}), "fd_probe_request");
  EXPECT_EQ(MessageKind(FdProbeResult{}), "fd_probe_result");
  EXPECT_EQ(MessageKind(GmUpdate{}), "gm_update");
  EXPECT_EQ(MessageKind(GmDigest{}), "gm_digest");
  EXPECT_EQ(MessageKind(McPacket{}), "mc_packet");
  EXPECT_EQ(MessageKind(McAck{}), "mc_ack");
  EXPECT_EQ(MessageKind(KvAeTree{}), "kv_ae_tree");
  EXPECT_EQ(MessageKind(KvAeKeys{}), "kv_ae_keys");
  EXPECT_EQ(MessageKind(KvAeStates{}), "kv_ae_states");
  // Names cover every alternative, so a new message must get one.
  static_assert(std::variant_size_v<Message> == 22,
                "a new Message alternative needs a name check here");
}

TEST(MessageTest, StructsCompareByValue) {
  EXPECT_EQ(Message(Ping{1, 2}), Message(Ping{1, 2}));
  EXPECT_NE(Message(Ping{1, 2}), Message(Ping{1, 3}));
  EXPECT_NE(Message(Ping{1, 2}), Message(Pong{1, 2}));
  EXPECT_EQ(Message(TestData{"l", {1}, {kA}}), Message(TestData{"l", {1}, {kA}}));
  EXPECT_NE(Message(TestData{"l", {1}, {kA}}), Message(TestData{"l", {1}, {kB}}));
}

}  // namespace
}  // namespace lashup
