#include "kv/kv_core.h"

#include <gtest/gtest.h>

#include "kv/delta_payload.h"
#include "kv/kv_test_util.h"

namespace lashup::kv {
namespace {

using testing::At;
namespace ops = crdt::ops;

const NodeId kSelf = NodeId::FromLiteral("self");
const NodeId kPeer = NodeId::FromLiteral("peer");
const NodeId kOrigin = NodeId::FromLiteral("origin");

class KvCoreTest : public ::testing::Test {
 protected:
  KvCoreTest() : core_(CoreContext{kSelf, 7, &storage_}, KvConfig{}) {
    Effects out;
    core_.Start(At(0), out);
  }
  McDelivered Delta(uint64_t seq, const KeyPath& key, const std::string& element) {
    MemoryStorage storage;
    KvStoreConfig loose;  // the writer may use keys this node's limits refuse
    loose.key_limits.max_component_bytes = 1024;
    loose.key_limits.max_key_bytes = 4096;
    KvStore writer(&storage, loose);
    Effects out;
    writer.Start(1234, out);
    auto result = writer.Update(At(1), key, {ops::Add("s", element)}, std::nullopt, out);
    EXPECT_TRUE(result.ok());
    return McDelivered{kOrigin, 1, seq, kKvTopic,
                       EncodeDeltaPayload(seq, EncodeKey(key), result->delta)};
  }
  static bool HasTimer(const Effects& out, Component component, uint32_t kind) {
    for (const TimerOp& t : out.timers()) {
      if (!t.cancel && t.id.component == component && t.id.kind == kind) return true;
    }
    return false;
  }

  MemoryStorage storage_;
  KvCore core_;
};

TEST_F(KvCoreTest, UpdatesNumberTheirPayloadsWithoutGaps) {
  Effects out;
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    auto outcome = core_.Update(At(1), {"k"}, {ops::Increment("c")}, std::nullopt, 0, out);
    ASSERT_TRUE(outcome.ok());
    const std::string_view bytes(reinterpret_cast<const char*>(outcome->payload.data()),
                                 outcome->payload.size());
    auto payload = DecodeDeltaPayload(bytes, {});
    ASSERT_TRUE(payload.ok()) << payload.status();
    EXPECT_EQ(payload->seq, seq);
    EXPECT_EQ(payload->encoded_key, EncodeKey({"k"}));
  }
}

TEST_F(KvCoreTest, ABacklogOfUnacknowledgedCopiesPushesBackOnLocalWriters) {
  Effects out;
  auto refused = core_.Update(At(1), {"k"}, {ops::Enable("f")}, std::nullopt,
                              KvConfig{}.max_unacked_copies + 1, out);
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(out.persists().empty());
  EXPECT_EQ(core_.store().Value({"k"}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(core_.stats().refused_busy, 1u);
}

TEST_F(KvCoreTest, DeltasAreJoinedAndAGapStillOpenLaterStartsARound) {
  Effects out;
  core_.OnDelivered(At(10), Delta(1, {"a"}, "x"), out);
  EXPECT_EQ(core_.store().Keys({})->size(), 1u);
  EXPECT_FALSE(HasTimer(out, Component::kAntiEntropy, 2));
  // The remote change is written unsynced; a sync follows.
  EXPECT_EQ(out.persists().back().durability, Durability::kBuffered);
  EXPECT_TRUE(HasTimer(out, Component::kKv, static_cast<uint32_t>(KvTimer::kSync)));
  out.Clear();
  core_.OnDelivered(At(11), Delta(3, {"b"}, "y"), out);  // 2 is missing
  EXPECT_EQ(core_.stats().gaps_seen, 1u);
  ASSERT_TRUE(HasTimer(out, Component::kAntiEntropy, 2));
  out.Clear();
  core_.OnTimer(At(400), TimerId{Component::kAntiEntropy, 2, 0}, {kPeer}, out);
  ASSERT_EQ(out.net().size(), 1u);
  EXPECT_TRUE(std::holds_alternative<KvAeTree>(out.net()[0].message));
  EXPECT_EQ(core_.stats().gap_rounds, 1u);
}

TEST_F(KvCoreTest, AGapFilledByReorderingStartsNoRound) {
  Effects out;
  core_.OnDelivered(At(10), Delta(1, {"a"}, "x"), out);
  core_.OnDelivered(At(11), Delta(3, {"a"}, "z"), out);
  core_.OnDelivered(At(12), Delta(2, {"a"}, "y"), out);
  out.Clear();
  core_.OnTimer(At(400), TimerId{Component::kAntiEntropy, 2, 0}, {kPeer}, out);
  EXPECT_TRUE(out.net().empty());
  EXPECT_EQ(core_.stats().gap_rounds, 0u);
}

TEST_F(KvCoreTest, MalformedPayloadsAreCountedAndDropped) {
  Effects out;
  McDelivered bad{kOrigin, 1, 1, kKvTopic, {1, 2, 3}};
  core_.OnDelivered(At(10), bad, out);
  EXPECT_EQ(core_.stats().deltas_malformed, 1u);
  EXPECT_TRUE(out.persists().empty());
}

TEST_F(KvCoreTest, PeriodicRoundsWaitForQuietAndLinkUpRoundsDoNot) {
  Effects out;
  core_.OnDelivered(At(1000), Delta(1, {"a"}, "x"), out);
  out.Clear();
  const TimerId periodic{Component::kAntiEntropy, 1, 0};
  core_.OnTimer(At(1100), periodic, {kPeer}, out);
  EXPECT_TRUE(out.net().empty());  // a delta changed a key 100 ms ago
  EXPECT_TRUE(HasTimer(out, Component::kAntiEntropy, 1));
  out.Clear();
  core_.OnTimer(At(1600), periodic, {kPeer}, out);
  EXPECT_EQ(out.net().size(), 1u);
  out.Clear();
  core_.OnConnection(At(1700), kPeer, LinkState::kUp, out);
  EXPECT_EQ(out.net().size(), 1u);
  out.Clear();
  core_.OnConnection(At(1700), kPeer, LinkState::kDown, out);
  EXPECT_TRUE(out.net().empty());
}

TEST_F(KvCoreTest, TheSyncTimerSyncsOnce) {
  Effects out;
  core_.OnDelivered(At(10), Delta(1, {"a"}, "x"), out);
  core_.OnDelivered(At(11), Delta(2, {"b"}, "x"), out);
  int armed = 0;
  for (const TimerOp& t : out.timers()) armed += t.id.component == Component::kKv;
  EXPECT_EQ(armed, 1);
  out.Clear();
  core_.OnTimer(At(1010), TimerId{Component::kKv, 1, 0}, {}, out);
  ASSERT_EQ(out.persists().size(), 1u);
  EXPECT_EQ(out.persists()[0].durability, Durability::kSync);
}

TEST_F(KvCoreTest, PeriodicRoundsAreSkippedAtMostFourTimesInARow) {
  const TimerId periodic{Component::kAntiEntropy, 1, 0};
  Effects out;
  int rounds = 0;
  for (int i = 0; i < 10; ++i) {
    const int64_t t = 1000 + i * 2000;
    core_.OnDelivered(At(t), Delta(static_cast<uint64_t>(i + 1), {"k", std::to_string(i)}, "x"), out);
    out.Clear();
    core_.OnTimer(At(t + 100), periodic, {kPeer}, out);  // a delta came 100 ms ago
    rounds += static_cast<int>(out.net().size());
  }
  EXPECT_EQ(rounds, 2);  // the 5th and the 10th
}

TEST_F(KvCoreTest, AGapWithNoNeighbourToAskStaysOpen) {
  Effects out;
  core_.OnDelivered(At(10), Delta(1, {"a"}, "x"), out);
  core_.OnDelivered(At(11), Delta(3, {"b"}, "y"), out);
  out.Clear();
  core_.OnTimer(At(400), TimerId{Component::kAntiEntropy, 2, 0}, {}, out);
  EXPECT_TRUE(HasTimer(out, Component::kAntiEntropy, 2));
  out.Clear();
  core_.OnTimer(At(800), TimerId{Component::kAntiEntropy, 2, 0}, {kPeer}, out);
  EXPECT_EQ(out.net().size(), 1u);
}

TEST_F(KvCoreTest, DeltasWithKeysOutsideTheLimitsOrHugeNumbersAreRefused) {
  Effects out;
  core_.OnDelivered(At(10), Delta(1, {std::string(300, 'k')}, "x"), out);
  McDelivered huge = Delta(1, {"a"}, "x");
  huge.payload = EncodeDeltaPayload(uint64_t{1} << 63, EncodeKey({"a"}), "");
  core_.OnDelivered(At(11), huge, out);
  EXPECT_EQ(core_.stats().deltas_malformed, 2u);
  EXPECT_TRUE(core_.store().entries().empty());
}

}  // namespace
}  // namespace lashup::kv
