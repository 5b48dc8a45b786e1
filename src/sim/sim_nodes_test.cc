// Node lifecycle in the simulator: crash (unsynced writes lost), restart, pause and resume.
#include <gtest/gtest.h>

#include "lashup/testing/sim_world.h"
#include "sim/ping_pong_core.h"
#include "sim/recording_core_test_util.h"
#include "storage/memory_storage.h"

namespace lashup {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Do;
using testing::Input;
using testing::N;
using testing::Rec;
using testing::Recording;

class SimNodesTest : public ::testing::Test {
 protected:
  SimNodesTest() : world_(SimOptions{}) {
    for (const char* name : {"a", "b"}) {
      EXPECT_TRUE(world_.AddNode(N(name), Recording(&world_)).ok());
    }
    Do(world_, N("a"), [](Effects& out) { out.Connect(N("b")); });
    world_.RunFor(seconds(1));
  }
  WriteBatch Put(const std::string& key) {
    WriteBatch batch;
    batch.Put(Column::kTest, key, "v");
    return batch;
  }
  SimWorld world_;
};

TEST_F(SimNodesTest, CrashLosesUnsyncedWritesOnly) {
  Do(world_, N("a"), [&](Effects& out) {
    out.Persist(Put("1-buffered-before-sync"), Durability::kBuffered);
    out.Persist(Put("2-synced"), Durability::kSync);
    out.Persist(Put("3-buffered-after-sync"), Durability::kBuffered);
  });
  EXPECT_EQ(world_.GetStorage(N("a"))->Scan(Column::kTest, "").size(), 3u);
  ASSERT_TRUE(world_.Crash(N("a")).ok());
  EXPECT_EQ(world_.GetCore(N("a")), nullptr);
  EXPECT_FALSE(world_.IsAlive(N("a")));
  ASSERT_TRUE(world_.Restart(N("a")).ok());
  const auto& recovered = Rec(world_, N("a")).recovered();
  ASSERT_EQ(recovered.size(), 2u);
  EXPECT_EQ(recovered[0].first, "1-buffered-before-sync");
  EXPECT_EQ(recovered[1].first, "2-synced");
}

TEST_F(SimNodesTest, CrashDropsLinksForPeersAndInFlightMessages) {
  const Duration crash_at = world_.now();
  Do(world_, N("b"), [](Effects& out) { out.Send(N("a"), Ping{1, 0}); });
  ASSERT_TRUE(world_.Crash(N("a")).ok());
  world_.RunFor(milliseconds(100));
  EXPECT_EQ(world_.stats().dropped_dead, 1u);
  auto downs = Rec(world_, N("b")).Of(Input::Kind::kDown);
  ASSERT_EQ(downs.size(), 1u);
  EXPECT_LT(downs[0].true_time - crash_at, milliseconds(50));  // a reset, not a timeout
  EXPECT_FALSE(world_.IsLinkUp(N("a"), N("b")));
}

TEST_F(SimNodesTest, RestartedNodeIsANewProcess) {
  const uint64_t old_seed = Rec(world_, N("a")).seed();
  ASSERT_TRUE(world_.Crash(N("a")).ok());
  EXPECT_EQ(world_.Crash(N("a")).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(world_.Invoke(N("a"), [](Core&, const Now&, Effects&) {}).code(),
            StatusCode::kUnavailable);
  world_.RunFor(seconds(2));
  ASSERT_TRUE(world_.Restart(N("a")).ok());
  EXPECT_EQ(world_.Restart(N("a")).code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(Rec(world_, N("a")).seed(), old_seed);
  EXPECT_EQ(Rec(world_, N("a")).inputs().size(), 1u);  // only Start: no memory survives
  // Only a had asked for the link, and its new process has not: it must ask again.
  Do(world_, N("a"), [](Effects& out) { out.Connect(N("b")); });
  ASSERT_TRUE(world_.RunUntil([&] { return world_.IsLinkUp(N("a"), N("b")); }, seconds(5)));
}

TEST_F(SimNodesTest, PeerThatWantsTheLinkReconnectsAfterRestart) {
  Do(world_, N("b"), [](Effects& out) { out.Connect(N("a")); });  // both ends want it now
  ASSERT_TRUE(world_.Crash(N("a")).ok());
  world_.RunFor(seconds(3));
  ASSERT_TRUE(world_.Restart(N("a")).ok());
  ASSERT_TRUE(world_.RunUntil([&] { return world_.IsLinkUp(N("a"), N("b")); }, seconds(10)));
  world_.RunFor(milliseconds(100));
  EXPECT_EQ(Rec(world_, N("a")).Of(Input::Kind::kUp).size(), 1u);
}

TEST_F(SimNodesTest, PauseHoldsInputsAndResumeDeliversThemInOrder) {
  const Instant t0 = world_.NodeNow(N("a"))->mono;
  Do(world_, N("a"), [&](Effects& out) { out.SetTimer({Component::kTest, 1, 0}, t0 + seconds(2)); });
  ASSERT_TRUE(world_.Pause(N("a")).ok());
  EXPECT_TRUE(world_.IsPaused(N("a")));
  EXPECT_EQ(world_.Pause(N("a")).code(), StatusCode::kFailedPrecondition);
  for (uint64_t i = 0; i < 3; ++i) {
    Do(world_, N("b"), [&](Effects& out) { out.Send(N("a"), Ping{i, 0}); });
    world_.RunFor(milliseconds(10));
  }
  const size_t before = Rec(world_, N("a")).inputs().size();
  world_.RunFor(seconds(60));  // a long stop: no input, and no one notices (no detector here)
  EXPECT_EQ(Rec(world_, N("a")).inputs().size(), before);
  EXPECT_TRUE(Rec(world_, N("b")).Of(Input::Kind::kDown).empty());
  EXPECT_TRUE(world_.IsLinkUp(N("a"), N("b")));
  const Duration resumed = world_.now();
  ASSERT_TRUE(world_.Resume(N("a")).ok());
  world_.RunFor(milliseconds(1));
  std::vector<uint64_t> nonces;
  int timers = 0;
  for (const Input& in : Rec(world_, N("a")).inputs()) {
    if (in.kind == Input::Kind::kMessage) {
      nonces.push_back(std::get<Ping>(in.message).nonce);
      EXPECT_EQ(in.true_time, resumed);
    }
    if (in.kind == Input::Kind::kTimer) ++timers;
  }
  EXPECT_EQ(nonces, (std::vector<uint64_t>{0, 1, 2}));
  EXPECT_EQ(timers, 1);
}

TEST_F(SimNodesTest, PausedNodeRefusesNewConnections) {
  ASSERT_TRUE(world_.AddNode(N("c"), Recording(&world_)).ok());
  ASSERT_TRUE(world_.Pause(N("c")).ok());
  Do(world_, N("a"), [](Effects& out) { out.Connect(N("c")); });
  world_.RunFor(seconds(2));
  EXPECT_FALSE(world_.IsLinkUp(N("a"), N("c")));
  EXPECT_EQ(Rec(world_, N("a")).Of(Input::Kind::kDown).size(), 1u);
  ASSERT_TRUE(world_.Resume(N("c")).ok());
  ASSERT_TRUE(world_.RunUntil([&] { return world_.IsLinkUp(N("a"), N("c")); }, seconds(10)));
}

TEST_F(SimNodesTest, CrashWhilePausedDiscardsHeldInputs) {
  ASSERT_TRUE(world_.Pause(N("a")).ok());
  Do(world_, N("b"), [](Effects& out) { out.Send(N("a"), Ping{9, 0}); });
  world_.RunFor(seconds(1));
  ASSERT_TRUE(world_.Crash(N("a")).ok());
  ASSERT_TRUE(world_.Restart(N("a")).ok());
  world_.RunFor(seconds(1));
  EXPECT_TRUE(Rec(world_, N("a")).Of(Input::Kind::kMessage).empty());
}

TEST_F(SimNodesTest, ErrorsNameTheProblem) {
  EXPECT_EQ(world_.AddNode(N("a"), Recording(&world_)).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(world_.AddNode(NodeId(), Recording(&world_)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(world_.AddNode(N("z"), nullptr).code(), StatusCode::kInvalidArgument);
  Status missing = world_.Pause(N("ghost"));
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("ghost"), std::string::npos);
  EXPECT_EQ(world_.Resume(N("a")).code(), StatusCode::kFailedPrecondition);
}

TEST(SimPingPongTest, PongCountSurvivesOnlyAsFarAsItWasSynced) {
  SimWorld world(SimOptions{});
  const std::vector<NodeId> ids = {N("p0"), N("p1")};
  for (size_t i = 0; i < ids.size(); ++i) {
    PingPongConfig config{{ids[1 - i]}, milliseconds(100), 7};
    ASSERT_TRUE(world.AddNode(ids[i], [config](const CoreContext& c) {
      return std::make_unique<PingPongCore>(c, config);
    }).ok());
  }
  world.RunFor(seconds(10));
  auto* core = static_cast<PingPongCore*>(world.GetCore(ids[0]));
  const uint64_t pongs = core->pongs_received();
  ASSERT_GT(pongs, 50u);
  ASSERT_TRUE(world.Crash(ids[0]).ok());
  ASSERT_TRUE(world.Restart(ids[0]).ok());
  core = static_cast<PingPongCore*>(world.GetCore(ids[0]));
  EXPECT_EQ(core->recovered_pongs(), pongs / 7 * 7);
}

// Regression: when the end dialling a wanted link crashed, the other end's wish was forgotten.
TEST_F(SimNodesTest, OtherEndKeepsDiallingWhenTheDiallerCrashes) {
  NetworkConfig network;
  network.connect_timeout = milliseconds(1);  // so the pending event is a retry, not a timeout
  world_.SetNetwork(network);
  Do(world_, N("b"), [](Effects& out) { out.Connect(N("a")); });  // both ends want it
  world_.Partition({N("a")}, {N("b")});
  world_.RunFor(seconds(5));  // link broken, retries failing
  ASSERT_FALSE(world_.IsLinkUp(N("a"), N("b")));
  ASSERT_TRUE(world_.Crash(N("a")).ok());
  world_.RunFor(seconds(10));  // the pending attempt comes due while a is down
  world_.HealAll();
  ASSERT_TRUE(world_.Restart(N("a")).ok());  // the new a asks for nothing
  ASSERT_TRUE(world_.RunUntil([&] { return world_.IsLinkUp(N("a"), N("b")); }, seconds(30)));
}

// Regression: a drift change left pending timers at their old true times.
TEST_F(SimNodesTest, DriftChangeReschedulesPendingTimers) {
  const Instant deadline = world_.NodeNow(N("a"))->mono + seconds(10);
  const Duration start = world_.now();
  Do(world_, N("a"), [&](Effects& out) { out.SetTimer({Component::kTest, 3, 0}, deadline); });
  world_.RunFor(seconds(1));
  ASSERT_TRUE(world_.SetClockDrift(N("a"), 100'000).ok());
  world_.RunFor(seconds(20));
  auto timers = Rec(world_, N("a")).Of(Input::Kind::kTimer);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_GE(timers[0].now.mono, deadline);
  EXPECT_LT(timers[0].now.mono, deadline + std::chrono::microseconds(1));
  EXPECT_NEAR(std::chrono::duration<double>(timers[0].true_time - start).count(), 1 + 9 / 1.1,
              1e-6);
}

TEST_F(SimNodesTest, NodesAreListedInTheOrderAdded) {
  world_.Clog(N("later"), N("a"), seconds(1));  // names an id before it is added
  ASSERT_TRUE(world_.AddNode(N("c"), Recording(&world_)).ok());
  ASSERT_TRUE(world_.AddNode(N("later"), Recording(&world_)).ok());
  EXPECT_EQ(world_.Nodes(), (std::vector<NodeId>{N("a"), N("b"), N("c"), N("later")}));
}

}  // namespace
}  // namespace lashup
