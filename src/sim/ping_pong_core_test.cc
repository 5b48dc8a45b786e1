// PingPongCore driven directly, without a simulator: the unit-test style every core follows.
#include "sim/ping_pong_core.h"

#include <gtest/gtest.h>

#include "storage/memory_storage.h"

namespace lashup {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const NodeId kSelf = NodeId::FromLiteral("self");
const NodeId kPeer = NodeId::FromLiteral("peer");

class PingPongCoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<PingPongCore> Make(uint64_t sync_every = 2) {
    CoreContext context{kSelf, 5, &storage_};
    return std::make_unique<PingPongCore>(context,
                                          PingPongConfig{{kPeer, kSelf}, seconds(1), sync_every});
  }
  Now At(int64_t ms) { return Now{InstantFromNanos(ms * 1'000'000), WallTimeFromNanos(0)}; }
  MemoryStorage storage_;
  Effects out_;
};

TEST_F(PingPongCoreTest, StartConnectsToPeersButNotItselfAndArmsATick) {
  auto core = Make();
  core->Start(At(0), out_);
  ASSERT_EQ(out_.net().size(), 1u);
  EXPECT_EQ(out_.net()[0].kind, NetOp::Kind::kConnect);
  EXPECT_EQ(out_.net()[0].peer, kPeer);
  ASSERT_EQ(out_.timers().size(), 1u);
  EXPECT_GE(out_.timers()[0].at, At(900).mono);
  EXPECT_LE(out_.timers()[0].at, At(1100).mono);
}

TEST_F(PingPongCoreTest, TickPingsOnlyConnectedPeers) {
  auto core = Make();
  core->Start(At(0), out_);
  const TimerId tick = out_.timers()[0].id;
  out_.Clear();
  core->OnTimer(At(1000), tick, out_);
  EXPECT_TRUE(out_.net().empty());
  core->OnConnection(At(1000), kPeer, LinkState::kUp, out_);
  out_.Clear();
  core->OnTimer(At(2000), tick, out_);
  ASSERT_EQ(out_.net().size(), 1u);
  const auto& ping = std::get<Ping>(out_.net()[0].message);
  EXPECT_EQ(ping.sent_at_ns, ToNanos(At(2000).mono));
  core->OnConnection(At(2000), kPeer, LinkState::kDown, out_);
  out_.Clear();
  core->OnTimer(At(3000), tick, out_);
  EXPECT_TRUE(out_.net().empty());
}

TEST_F(PingPongCoreTest, AnswersPingsAndMeasuresPongs) {
  auto core = Make();
  core->OnMessage(At(0), kPeer, Ping{7, 123}, out_);
  ASSERT_EQ(out_.net().size(), 1u);
  EXPECT_EQ(std::get<Pong>(out_.net()[0].message), (Pong{7, 123}));
  out_.Clear();
  core->OnMessage(At(5), kPeer, Pong{1, ToNanos(At(2).mono)}, out_);
  ASSERT_EQ(out_.events().size(), 1u);
  EXPECT_EQ(std::get<RttMeasured>(out_.events()[0]).rtt, milliseconds(3));
  ASSERT_EQ(out_.persists().size(), 1u);
  EXPECT_EQ(out_.persists()[0].durability, Durability::kBuffered);
  out_.Clear();
  core->OnMessage(At(6), kPeer, Pong{2, 0}, out_);
  EXPECT_EQ(out_.persists()[0].durability, Durability::kSync);  // every 2nd pong
}

TEST_F(PingPongCoreTest, RecoversItsCountFromStorage) {
  WriteBatch batch;
  batch.Put(Column::kTest, PingPongCore::kPongCountKey, "41");
  ASSERT_TRUE(storage_.Apply(batch, Durability::kSync).ok());
  auto core = Make();
  EXPECT_EQ(core->recovered_pongs(), 41u);
  core->OnMessage(At(1), kPeer, Pong{1, 0}, out_);
  EXPECT_EQ(core->pongs_received(), 42u);
}

}  // namespace
}  // namespace lashup
