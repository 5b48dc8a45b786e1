// SimWorld basics: determinism (trace hash), virtual time, scheduling order, node clocks.
#include "lashup/testing/sim_world.h"

#include <gtest/gtest.h>

#include "core/coverage_probes.h"
#include "sim/ping_pong_core.h"
#include "sim/recording_core_test_util.h"

namespace lashup {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Do;
using testing::Input;
using testing::N;
using testing::Rec;
using testing::Recording;

struct RunResult {
  uint64_t hash;
  uint64_t delivered;
  uint64_t events;
};

// A busy scenario touching every fault the simulator has.
RunResult RunScenario(uint64_t seed) {
  SimOptions options;
  options.seed = seed;
  options.network.loss = 0.05;
  options.network.duplicate = 0.05;
  options.network.reorder = 0.1;
  SimWorld world(options);
  std::vector<NodeId> ids;
  for (int i = 0; i < 8; ++i) ids.push_back(N("n" + std::to_string(i)));
  for (size_t i = 0; i < ids.size(); ++i) {
    PingPongConfig config{{ids[(i + 1) % ids.size()], ids[(i + 3) % ids.size()]},
                          milliseconds(500), 5};
    EXPECT_TRUE(world.AddNode(ids[i], [config](const CoreContext& c) {
      return std::make_unique<PingPongCore>(c, config);
    }).ok());
  }
  world.Schedule(seconds(5), [&] { world.Partition({ids[0], ids[1], ids[2]}, {ids[3], ids[4]}); });
  world.Schedule(seconds(8), [&] { world.Clog(ids[5], ids[6], seconds(9)); });
  world.Schedule(seconds(10), [&] { world.HealAll(); });
  world.Schedule(seconds(12), [&] { EXPECT_TRUE(world.Crash(ids[2]).ok()); });
  world.Schedule(seconds(13), [&] { EXPECT_TRUE(world.Pause(ids[6]).ok()); });
  world.Schedule(seconds(15), [&] { EXPECT_TRUE(world.Restart(ids[2]).ok()); });
  world.Schedule(seconds(16), [&] { EXPECT_TRUE(world.Resume(ids[6]).ok()); });
  world.RunFor(seconds(30));
  return {world.TraceHash(), world.stats().messages_delivered, world.stats().events};
}

TEST(SimWorldTest, SameSeedGivesSameTraceHash) {
  const RunResult a = RunScenario(42);
  const RunResult b = RunScenario(42);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.delivered, b.delivered);
  EXPECT_EQ(a.events, b.events);
  EXPECT_GT(a.delivered, 500u);
}

TEST(SimWorldTest, DifferentSeedGivesDifferentTraceHash) {
  EXPECT_NE(RunScenario(42).hash, RunScenario(43).hash);
}

TEST(SimWorldTest, VirtualTimeJumpsToTheNextEvent) {
  SimWorld world(SimOptions{});
  EXPECT_FALSE(world.Step());
  std::vector<int> order;
  world.Schedule(std::chrono::hours(2), [&] { order.push_back(3); });
  world.Schedule(seconds(1), [&] { order.push_back(1); });
  world.Schedule(seconds(1), [&] { order.push_back(2); });  // same time: insertion order
  ASSERT_TRUE(world.Step());
  EXPECT_EQ(world.now(), seconds(1));
  world.RunUntil(std::chrono::hours(3));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(world.now(), std::chrono::hours(3));
  EXPECT_EQ(world.stats().events, 3u);
}

TEST(SimWorldTest, RunUntilPredicateStopsEarlyOrAtLimit) {
  SimWorld world(SimOptions{});
  int fired = 0;
  for (int i = 1; i <= 10; ++i) world.Schedule(seconds(i), [&] { ++fired; });
  EXPECT_TRUE(world.RunUntil([&] { return fired == 3; }, seconds(100)));
  EXPECT_EQ(world.now(), seconds(3));
  EXPECT_FALSE(world.RunUntil([&] { return fired == 100; }, seconds(4)));
  EXPECT_EQ(world.now(), seconds(7));
  EXPECT_EQ(fired, 7);
}

TEST(SimWorldTest, NodesBootAtDifferentMonotonicTimes) {
  SimWorld world(SimOptions{});
  ASSERT_TRUE(world.AddNode(N("a"), Recording(&world)).ok());
  ASSERT_TRUE(world.AddNode(N("b"), Recording(&world)).ok());
  EXPECT_NE(ToNanos(world.NodeNow(N("a"))->mono), ToNanos(world.NodeNow(N("b"))->mono));
  EXPECT_EQ(world.NodeNow(N("a"))->wall, SimOptions{}.wall_start);
}

TEST(SimWorldTest, ClockDriftAndOffset) {
  SimWorld world(SimOptions{});
  ASSERT_TRUE(world.AddNode(N("fast"), Recording(&world)).ok());
  ASSERT_TRUE(world.AddNode(N("true"), Recording(&world)).ok());
  ASSERT_TRUE(world.SetClockDrift(N("fast"), 100'000).ok());  // 10% fast
  ASSERT_TRUE(world.SetClockOffset(N("true"), seconds(-30)).ok());
  const Now fast0 = *world.NodeNow(N("fast"));
  const Now true0 = *world.NodeNow(N("true"));
  EXPECT_EQ(true0.wall, SimOptions{}.wall_start - seconds(30));
  world.RunFor(seconds(10));
  EXPECT_EQ(world.NodeNow(N("fast"))->mono - fast0.mono, seconds(11));
  EXPECT_EQ(world.NodeNow(N("true"))->mono - true0.mono, seconds(10));
  EXPECT_EQ(world.NodeNow(N("true"))->wall - true0.wall, seconds(10));

  // A timer one local second away on the fast node fires after 1/1.1 true seconds.
  const Duration start = world.now();
  Do(world, N("fast"), [&](Effects& out) {
    out.SetTimer({Component::kTest, 1, 0}, world.NodeNow(N("fast"))->mono + seconds(1));
  });
  world.RunFor(seconds(5));
  auto timers = Rec(world, N("fast")).Of(Input::Kind::kTimer);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_NEAR(std::chrono::duration<double>(timers[0].true_time - start).count(), 1 / 1.1, 1e-6);
  EXPECT_GE(timers[0].now.mono, fast0.mono + seconds(12));
  EXPECT_EQ(world.SetClockDrift(N("fast"), 600'000).code(), StatusCode::kInvalidArgument);
}

TEST(SimWorldTest, TimersReplaceAndCancel) {
  SimWorld world(SimOptions{});
  ASSERT_TRUE(world.AddNode(N("a"), Recording(&world)).ok());
  const Instant t0 = world.NodeNow(N("a"))->mono;
  const TimerId x{Component::kTest, 1, 1};
  const TimerId y{Component::kTest, 1, 2};
  Do(world, N("a"), [&](Effects& out) {
    out.SetTimer(x, t0 + seconds(1));
    out.SetTimer(x, t0 + seconds(3));  // replaces
    out.SetTimer(y, t0 + seconds(2));
    out.CancelTimer(y);
  });
  world.RunFor(seconds(10));
  auto timers = Rec(world, N("a")).Of(Input::Kind::kTimer);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].timer, x);
  EXPECT_EQ(timers[0].true_time, seconds(3));
}

TEST(SimWorldTest, CodecRoundTripCanBeSwitchedOff) {
  for (bool round_trip : {true, false}) {
    SimOptions options;
    options.codec_round_trip = round_trip;
    SimWorld world(options);
    ASSERT_TRUE(world.AddNode(N("a"), Recording(&world)).ok());
    ASSERT_TRUE(world.AddNode(N("b"), Recording(&world)).ok());
    Do(world, N("a"), [](Effects& out) {
      out.Send(N("b"), TestData{"hello", {1, 2}, {N("a")}}, SendMode::kConnectFirst);
    });
    world.RunFor(seconds(1));
    auto got = Rec(world, N("b")).Of(Input::Kind::kMessage);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].message, Message(TestData{"hello", {1, 2}, {N("a")}}));
    EXPECT_EQ(got[0].peer, N("a"));
    EXPECT_EQ(world.stats().bytes_encoded > 0, round_trip);
  }
}

TEST(SimWorldTest, StepObserverSeesEffects) {
  SimWorld world(SimOptions{});
  int sends = 0;
  world.SetStepObserver([&](const NodeId& node, Duration, const Effects& effects) {
    if (node == N("a")) sends += static_cast<int>(effects.net().size());
  });
  ASSERT_TRUE(world.AddNode(N("a"), Recording(&world)).ok());
  Do(world, N("a"), [](Effects& out) {
    out.Send(N("b"), Ping{1, 1});
    out.Send(N("c"), Ping{2, 1});
  });
  EXPECT_EQ(sends, 2);
}

// Coverage probes from every core step are counted by name; the observer sees them too.
TEST(SimWorldTest, CountsCoverageProbesByName) {
  SimWorld world(SimOptions{});
  size_t observed = 0;
  world.SetStepObserver([&](const NodeId&, Duration, const Effects& effects) {
    observed += effects.probes().size();
  });
  ASSERT_TRUE(world.AddNode(N("a"), Recording(&world)).ok());
  ASSERT_TRUE(world.AddNode(N("b"), Recording(&world)).ok());
  EXPECT_TRUE(world.stats().probes.empty());
  Do(world, N("a"), [](Effects& out) {
    out.Probe(kProbeKvDeltaGap);
    out.Probe(kProbeKvDeltaGap);
  });
  Do(world, N("b"), [](Effects& out) { out.Probe(kProbeMcDuplicateDropped); });
  const auto& probes = world.stats().probes;
  EXPECT_EQ(probes.size(), 2u);
  EXPECT_EQ(probes.at("kv.delta_gap"), 2u);
  EXPECT_EQ(probes.at(kProbeMcDuplicateDropped), 1u);
  EXPECT_FALSE(probes.contains("multicast.ttl_expired"));  // never hit: absent
  EXPECT_EQ(observed, 3u);
}

TEST(SimWorldDeathTest, AnUnregisteredProbeAbortsWithTheSeed) {
  EXPECT_DEATH(
      {
        SimOptions options;
        options.seed = 77;
        SimWorld world(options);
        (void)world.AddNode(N("a"), Recording(&world));
        Do(world, N("a"), [](Effects& out) { out.Probe("made.up_probe"); });
      },
      "unregistered coverage probe 'made.up_probe'.*sim seed=77");
}

}  // namespace
}  // namespace lashup
