#include "kv/anti_entropy.h"

#include <gtest/gtest.h>

#include <deque>

#include "kv/kv_test_util.h"

namespace lashup::kv {
namespace {

using testing::At;
namespace ops = crdt::ops;

const NodeId kA = NodeId::FromLiteral("a");
const NodeId kB = NodeId::FromLiteral("b");

struct Replica {
  explicit Replica(uint64_t seed, AntiEntropyConfig config = {})
      : store(&storage, {}), ae(config, seed) {
    Effects out;
    store.Start(seed, out);
  }
  void Write(const KeyPath& key, std::vector<crdt::MapOp> ops) {
    Effects out;
    ASSERT_TRUE(store.Update(At(1), key, ops, std::nullopt, out).ok());
  }
  MemoryStorage storage;
  KvStore store;
  AntiEntropy ae;
};

struct Traffic {
  size_t messages = 0;
  size_t states = 0;
  size_t hashes = 0;  // tree hashes and listed keys
};

// Runs a round from `a` to `b` at `now` and delivers every message until none is left.
Traffic RunRound(Replica& a, Replica& b, Instant now = Instant{}) {
  Traffic traffic;
  std::deque<std::pair<NodeId, Message>> queue;  // (destination, message)
  Effects out;
  a.ae.StartRound(now, kB, a.store, out);
  for (;;) {
    for (const NetOp& op : out.net()) queue.emplace_back(op.peer, op.message);
    out.Clear();
    if (queue.empty()) return traffic;
    auto [to, message] = std::move(queue.front());
    queue.pop_front();
    ++traffic.messages;
    if (const auto* t = std::get_if<KvAeTree>(&message)) traffic.hashes += t->hashes.size();
    if (const auto* k = std::get_if<KvAeKeys>(&message)) traffic.hashes += k->key_hashes.size();
    if (const auto* s = std::get_if<KvAeStates>(&message)) traffic.states += s->states.size();
    Replica& receiver = to == kA ? a : b;
    const NodeId from = to == kA ? kB : kA;
    EXPECT_TRUE(receiver.ae.OnMessage(now, from, message, receiver.store, out));
  }
}

std::vector<std::pair<KeyPath, crdt::MapValue>> Contents(const KvStore& store) {
  std::vector<std::pair<KeyPath, crdt::MapValue>> out;
  const std::vector<KeyPath> keys = store.Keys({}).value();
  for (const KeyPath& key : keys) out.emplace_back(key, store.Value(key).value());
  return out;
}

TEST(AntiEntropyTest, ReplicasInSyncExchangeOneMessage) {
  Replica a(1), b(2);
  Effects out;
  a.Write({"k"}, {ops::Add("s", "x")});
  auto state = a.store.entries().begin();
  b.store.Join(state->first, state->second.map, out);
  const Traffic traffic = RunRound(a, b);
  EXPECT_EQ(traffic.messages, 1u);
  EXPECT_EQ(b.ae.stats().in_sync, 1u);
}

TEST(AntiEntropyTest, DivergentReplicasConvergeBothWays) {
  Replica a(1), b(2);
  for (int i = 0; i < 50; ++i) a.Write({"only-a", std::to_string(i)}, {ops::Add("s", "a")});
  for (int i = 0; i < 30; ++i) b.Write({"only-b", std::to_string(i)}, {ops::Increment("c")});
  a.Write({"both"}, {ops::Add("s", "from-a")});
  b.Write({"both"}, {ops::Add("s", "from-b")});
  RunRound(a, b);
  EXPECT_EQ(Contents(a.store), Contents(b.store));
  EXPECT_EQ(a.store.Keys({})->size(), 81u);
  EXPECT_EQ(a.store.digest().Hash(0, 0), b.store.digest().Hash(0, 0));
  EXPECT_EQ(*a.store.Value({"both"})->Find("s", crdt::CrdtType::kOrSet)->AsSet(),
            (crdt::SetValue{"from-a", "from-b"}));
  // A second round finds nothing to do (after the first repair's lease).
  EXPECT_EQ(RunRound(b, a, At(5000).mono).messages, 1u);
}

TEST(AntiEntropyTest, TrafficFollowsTheDivergenceNotTheKeyCount) {
  Replica a(1), b(2);
  Effects out;
  for (int i = 0; i < 20000; ++i) a.Write({"k", std::to_string(i)}, {ops::Enable("f")});
  for (const auto& [key, entry] : a.store.entries()) b.store.Join(key, entry.map, out);
  for (int i = 0; i < 10; ++i) a.Write({"k", std::to_string(i * 997)}, {ops::Add("s", "new")});
  const Traffic traffic = RunRound(a, b);
  EXPECT_EQ(Contents(a.store), Contents(b.store));
  EXPECT_EQ(traffic.states, 10u);
  // Each differing key costs its path (16 hashes per level) and its bucket's ~5 keys.
  EXPECT_LT(traffic.hashes, 16u + 10 * (16 + 16 + 16) + 10 * 20);
}

TEST(AntiEntropyTest, ATruncatedRoundContinuesUntilEverythingIsShipped) {
  AntiEntropyConfig small;
  small.max_keys_per_round = 50;
  small.max_state_bytes_per_message = 500;
  Replica a(1, small), b(2, small);
  for (int i = 0; i < 400; ++i) a.Write({"k", std::to_string(i)}, {ops::Enable("f")});
  for (int i = 0; i < 100; ++i) b.Write({"j", std::to_string(i)}, {ops::Enable("f")});
  const Traffic traffic = RunRound(a, b);
  EXPECT_EQ(Contents(a.store), Contents(b.store));
  EXPECT_EQ(a.store.Keys({})->size(), 500u);
  EXPECT_GT(a.ae.stats().truncated_rounds + b.ae.stats().truncated_rounds, 0u);
  EXPECT_GT(a.ae.stats().rounds_started + b.ae.stats().rounds_started, 5u);
  EXPECT_GT(traffic.messages, 20u);
}

TEST(AntiEntropyTest, MalformedMessagesAreCountedAndDropped) {
  Replica a(1);
  a.Write({"k"}, {ops::Enable("f")});
  Effects out;
  EXPECT_TRUE(a.ae.OnMessage(Instant{}, kB, KvAeTree{1, 0, {0}, {1}}, a.store, out));     // level 0
  EXPECT_TRUE(a.ae.OnMessage(Instant{}, kB, KvAeTree{1, 1, {16}, {1}}, a.store, out));    // index
  EXPECT_TRUE(a.ae.OnMessage(Instant{}, kB, KvAeTree{1, 1, {2, 1}, {1, 1}}, a.store, out));  // order
  EXPECT_TRUE(a.ae.OnMessage(Instant{}, kB, KvAeKeys{1, {0}, {~0ULL}, {1}, false}, a.store, out));
  EXPECT_TRUE(a.ae.OnMessage(Instant{}, kB, KvAeKeys{1, {5000}, {}, {}, false}, a.store, out));
  KvAeStates bad;
  bad.keys = {EncodeKey({"x"}), "garbage"};
  bad.states = {"not a state", "x"};
  EXPECT_TRUE(a.ae.OnMessage(Instant{}, kB, bad, a.store, out));
  EXPECT_EQ(a.ae.stats().malformed, 7u);
  // Only the (empty) answer to the list goes out.
  ASSERT_EQ(out.net().size(), 1u);
  const auto& answer = std::get<KvAeStates>(out.net()[0].message);
  EXPECT_TRUE(answer.answer && answer.keys.empty());
  EXPECT_EQ(a.store.Keys({})->size(), 1u);
  EXPECT_FALSE(a.ae.OnMessage(Instant{}, kB, McAck{}, a.store, out));
}

TEST(AntiEntropyTest, TimersPickANeighbourAndRearm) {
  Replica a(1);
  Effects out;
  a.ae.Start(At(0), out);
  ASSERT_EQ(out.timers().size(), 1u);
  const TimerId periodic = out.timers()[0].id;
  out.Clear();
  a.ae.OnTimer(At(2000), periodic, {kB}, a.store, out);
  ASSERT_EQ(out.net().size(), 1u);
  EXPECT_EQ(out.net()[0].peer, kB);
  ASSERT_EQ(out.timers().size(), 1u);
  EXPECT_EQ(out.timers()[0].at, At(4000).mono);
  out.Clear();
  a.ae.RequestSoon(At(2100), out);
  a.ae.RequestSoon(At(2150), out);  // already armed
  EXPECT_EQ(out.timers().size(), 1u);
}

TEST(AntiEntropyTest, ARoundShipsAtMostItsByteBudgetAndTheNextOnesTheRest) {
  AntiEntropyConfig small;
  small.max_state_bytes_per_round = 2000;
  Replica a(1, small), b(2, small);
  for (int i = 0; i < 200; ++i) a.Write({"k", std::to_string(i)}, {ops::Add("s", std::string(40, 'x'))});
  for (int i = 0; i < 100; ++i) b.Write({"j", std::to_string(i)}, {ops::Add("s", std::string(40, 'y'))});
  const Traffic traffic = RunRound(a, b);
  EXPECT_EQ(Contents(a.store), Contents(b.store));
  EXPECT_EQ(a.store.Keys({})->size(), 300u);
  // About 30 states fit in 2,000 bytes: several rounds, and no state crossed twice.
  EXPECT_GT(a.ae.stats().rounds_started + b.ae.stats().rounds_started, 5u);
  EXPECT_EQ(traffic.states, 300u);
}

TEST(AntiEntropyTest, AWantListOutOfOrderOrOversizedIsRefused) {
  Replica a(1);
  a.Write({"k"}, {ops::Enable("f")});
  Effects out;
  KvAeStates unordered;
  unordered.want = {5, 5};
  EXPECT_TRUE(a.ae.OnMessage(Instant{}, kB, unordered, a.store, out));
  KvAeStates huge;
  for (uint64_t i = 0; i < AntiEntropyConfig{}.max_keys_per_round * 4 + 1; ++i) huge.want.push_back(i);
  EXPECT_TRUE(a.ae.OnMessage(Instant{}, kB, huge, a.store, out));
  EXPECT_EQ(a.ae.stats().malformed, 2u);
  EXPECT_TRUE(out.net().empty());
}

TEST(AntiEntropyTest, RepeatedKeysInAListAreSentBackOnce) {
  Replica a(1), b(2);
  a.Write({"k"}, {ops::Add("s", "a")});
  b.Write({"k"}, {ops::Add("s", "b")});
  const auto& entry = *b.store.entries().begin();
  KvAeStates list;
  list.keys = {entry.first, entry.first, entry.first};
  const std::string state = crdt::Encode(entry.second.map);
  list.states = {state, state, state};
  Effects out;
  EXPECT_TRUE(a.ae.OnMessage(Instant{}, kB, list, a.store, out));
  ASSERT_EQ(out.net().size(), 1u);
  EXPECT_EQ(std::get<KvAeStates>(out.net()[0].message).keys.size(), 1u);
}

TEST(AntiEntropyTest, ANodeRepairsWithOnePeerAtATime) {
  const NodeId kC = NodeId::FromLiteral("c");
  Replica a(1), b(2), c(3);
  for (int i = 0; i < 10; ++i) a.Write({"k", std::to_string(i)}, {ops::Enable("f")});
  auto level1 = [](const Replica& r) {
    KvAeTree tree{7, 1, {}, {}};
    for (uint32_t i = 0; i < MerkleDigest::kFanout; ++i) {
      tree.nodes.push_back(i);
      tree.hashes.push_back(r.store.digest().Hash(1, i));
    }
    return tree;
  };
  const Instant t0 = At(1000).mono;
  Effects out;
  // b's round finds a difference: a now repairs with b.
  EXPECT_TRUE(a.ae.OnMessage(t0, kB, level1(b), a.store, out));
  EXPECT_EQ(out.net().size(), 1u);
  out.Clear();
  // c's round and a round with c wait meanwhile.
  EXPECT_TRUE(a.ae.OnMessage(t0 + std::chrono::milliseconds(10), kC, level1(c), a.store, out));
  a.ae.StartRound(t0 + std::chrono::milliseconds(10), kC, a.store, out);
  EXPECT_TRUE(out.net().empty());
  EXPECT_EQ(a.ae.stats().deferred, 2u);
  // Rounds with b go on.
  a.ae.StartRound(t0 + std::chrono::milliseconds(20), kB, a.store, out);
  EXPECT_EQ(out.net().size(), 1u);
  out.Clear();
  // Once b has been quiet for the lease, c is served.
  EXPECT_TRUE(a.ae.OnMessage(t0 + std::chrono::seconds(2), kC, level1(c), a.store, out));
  EXPECT_EQ(out.net().size(), 1u);
}

TEST(AntiEntropyTest, ACompletedRepairLetsTheNextPeerInAtOnce) {
  const NodeId kC = NodeId::FromLiteral("c");
  Replica a(1), b(2), c(3);
  for (int i = 0; i < 10; ++i) a.Write({"k", std::to_string(i)}, {ops::Enable("f")});
  const Instant t0 = At(1000).mono;
  RunRound(a, b, t0);  // a repairs b, and the answer closes the repair
  ASSERT_EQ(Contents(a.store), Contents(b.store));
  Effects out;
  a.ae.StartRound(t0 + std::chrono::milliseconds(1), kC, a.store, out);
  EXPECT_EQ(out.net().size(), 1u);
  EXPECT_EQ(a.ae.stats().deferred, 0u);
}

}  // namespace
}  // namespace lashup::kv
