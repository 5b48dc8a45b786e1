// The simulated network's faults: partitions, loss, duplication, reordering, clogs, the
// in-flight bound, and how links report up and down.
#include <gtest/gtest.h>

#include "lashup/testing/sim_world.h"
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

class SimFaultsTest : public ::testing::Test {
 protected:
  void Start(SimOptions options = {}) {
    world_ = std::make_unique<SimWorld>(options);
    for (const char* name : {"a", "b", "c"}) {
      ASSERT_TRUE(world_->AddNode(N(name), Recording(world_.get())).ok());
    }
  }
  void Connect(const char* from, const char* to) {
    Do(*world_, N(from), [&](Effects& out) { out.Connect(N(to)); });
    ASSERT_TRUE(world_->RunUntil([&] { return world_->IsLinkUp(N(from), N(to)); }, seconds(5)));
    world_->RunFor(milliseconds(100));  // let the acceptor's notice land too
  }
  void SendPings(const char* from, const char* to, int count) {
    Do(*world_, N(from), [&](Effects& out) {
      for (int i = 0; i < count; ++i) out.Send(N(to), Ping{static_cast<uint64_t>(i), 0});
    });
  }
  std::vector<uint64_t> Nonces(const char* at) {
    std::vector<uint64_t> out;
    for (const Input& in : Rec(*world_, N(at)).Of(Input::Kind::kMessage)) {
      out.push_back(std::get<Ping>(in.message).nonce);
    }
    return out;
  }
  std::unique_ptr<SimWorld> world_;
};

TEST_F(SimFaultsTest, ConnectDeliversUpToBothEnds) {
  Start();
  Connect("a", "b");
  ASSERT_EQ(Rec(*world_, N("a")).Of(Input::Kind::kUp).size(), 1u);
  ASSERT_EQ(Rec(*world_, N("b")).Of(Input::Kind::kUp).size(), 1u);
  EXPECT_EQ(Rec(*world_, N("b")).Of(Input::Kind::kUp)[0].peer, N("a"));
  EXPECT_TRUE(world_->IsLinkUp(N("b"), N("a")));
}

TEST_F(SimFaultsTest, SymmetricPartitionDropsBothWaysAndBreaksLinksAfterDetectDelay) {
  Start();
  Connect("a", "b");
  const Duration cut = world_->now();
  world_->Partition({N("a")}, {N("b")});
  SendPings("a", "b", 5);
  SendPings("b", "a", 5);
  world_->RunFor(seconds(1));
  EXPECT_TRUE(Nonces("a").empty());
  EXPECT_TRUE(Nonces("b").empty());
  EXPECT_EQ(world_->stats().dropped_partition, 10u);
  EXPECT_TRUE(world_->IsLinkUp(N("a"), N("b")));  // TCP has not given up yet
  world_->RunFor(seconds(5));
  EXPECT_FALSE(world_->IsLinkUp(N("a"), N("b")));
  for (const char* node : {"a", "b"}) {
    auto downs = Rec(*world_, N(node)).Of(Input::Kind::kDown);
    ASSERT_EQ(downs.size(), 1u) << node;
    EXPECT_EQ(downs[0].true_time, cut + SimOptions{}.network.break_detect_delay) << node;
  }
  // Healing brings the wanted link back by itself, with up notices at both ends.
  world_->HealAll();
  ASSERT_TRUE(world_->RunUntil([&] { return world_->IsLinkUp(N("a"), N("b")); }, seconds(10)));
  world_->RunFor(milliseconds(100));
  EXPECT_EQ(Rec(*world_, N("a")).Of(Input::Kind::kUp).size(), 2u);
  EXPECT_EQ(Rec(*world_, N("b")).Of(Input::Kind::kUp).size(), 2u);
  SendPings("a", "b", 3);
  world_->RunFor(seconds(1));
  EXPECT_EQ(Nonces("b"), (std::vector<uint64_t>{0, 1, 2}));
}

TEST_F(SimFaultsTest, PartitionHealedBeforeDetectionKeepsTheLink) {
  Start();
  Connect("a", "b");
  const PartitionId p = world_->Partition({N("a")}, {N("b")});
  world_->RunFor(seconds(1));
  ASSERT_TRUE(world_->Heal(p).ok());
  EXPECT_EQ(world_->Heal(p).code(), StatusCode::kNotFound);
  world_->RunFor(seconds(10));
  EXPECT_TRUE(world_->IsLinkUp(N("a"), N("b")));
  EXPECT_TRUE(Rec(*world_, N("a")).Of(Input::Kind::kDown).empty());
}

TEST_F(SimFaultsTest, OneWayPartitionBlocksOnlyOneDirection) {
  Start();
  Connect("a", "b");
  world_->PartitionOneWay({N("a")}, {N("b")});
  SendPings("a", "b", 4);
  SendPings("b", "a", 4);
  world_->RunFor(seconds(1));
  EXPECT_TRUE(Nonces("b").empty());
  EXPECT_EQ(Nonces("a"), (std::vector<uint64_t>{0, 1, 2, 3}));
  // A connection needs both directions, so it breaks and cannot be re-made.
  world_->RunFor(seconds(10));
  EXPECT_FALSE(world_->IsLinkUp(N("a"), N("b")));
}

TEST_F(SimFaultsTest, PartitionSpareOtherPaths) {
  Start();
  Connect("a", "b");
  Connect("a", "c");
  world_->Partition({N("a")}, {N("b")});
  SendPings("a", "c", 2);
  world_->RunFor(seconds(10));
  EXPECT_EQ(Nonces("c"), (std::vector<uint64_t>{0, 1}));
  EXPECT_TRUE(world_->IsLinkUp(N("a"), N("c")));
}

TEST_F(SimFaultsTest, LossDropsTheConfiguredFraction) {
  SimOptions options;
  options.network.loss = 0.3;
  Start(options);
  Connect("a", "b");
  const int n = 4000;
  for (int batch = 0; batch < n / 400; ++batch) {  // stay under the in-flight bound
    SendPings("a", "b", 400);
    world_->RunFor(milliseconds(100));
  }
  world_->RunFor(seconds(1));
  const double delivered = static_cast<double>(Nonces("b").size()) / n;
  EXPECT_NEAR(delivered, 0.7, 0.03);
  EXPECT_EQ(world_->stats().dropped_loss + Nonces("b").size(), static_cast<uint64_t>(n));
}

TEST_F(SimFaultsTest, DuplicationDeliversSomeMessagesTwice) {
  SimOptions options;
  options.network.duplicate = 0.2;
  Start(options);
  Connect("a", "b");
  SendPings("a", "b", 2000);
  world_->RunFor(seconds(2));
  const auto nonces = Nonces("b");
  const size_t extra = nonces.size() - 2000;
  EXPECT_EQ(extra, world_->stats().duplicated);
  EXPECT_NEAR(static_cast<double>(extra) / 2000, 0.2, 0.03);
  std::set<uint64_t> distinct(nonces.begin(), nonces.end());
  EXPECT_EQ(distinct.size(), 2000u);
}

TEST_F(SimFaultsTest, PathsAreFifoUnlessReorderingIsOn) {
  for (double reorder : {0.0, 0.5}) {
    SimOptions options;
    options.network.reorder = reorder;
    options.network.latency_mean = milliseconds(5);  // wide spread makes overtaking likely
    Start(options);
    Connect("a", "b");
    for (int i = 0; i < 200; ++i) {
      Do(*world_, N("a"), [&](Effects& out) { out.Send(N("b"), Ping{static_cast<uint64_t>(i), 0}); });
      world_->RunFor(std::chrono::microseconds(100));
    }
    world_->RunFor(seconds(2));
    const auto nonces = Nonces("b");
    ASSERT_EQ(nonces.size(), 200u);
    EXPECT_EQ(std::is_sorted(nonces.begin(), nonces.end()), reorder == 0.0) << reorder;
  }
}

TEST_F(SimFaultsTest, ClogHoldsOnePathUntilItsTime) {
  Start();
  Connect("a", "b");
  world_->Clog(N("a"), N("b"), world_->now() + seconds(5));
  const Duration sent = world_->now();
  SendPings("a", "b", 1);
  SendPings("b", "a", 1);
  world_->RunFor(seconds(1));
  EXPECT_TRUE(Nonces("b").empty());
  EXPECT_EQ(Nonces("a").size(), 1u);
  world_->RunFor(seconds(5));
  auto got = Rec(*world_, N("b")).Of(Input::Kind::kMessage);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_GE(got[0].true_time, sent + seconds(5));
  EXPECT_EQ(world_->stats().delayed_by_clog, 1u);
}

TEST_F(SimFaultsTest, ClogNodeHoldsEverythingInAndOut) {
  Start();
  Connect("a", "b");
  Connect("c", "b");
  world_->ClogNode(N("b"), world_->now() + seconds(3));
  SendPings("a", "b", 1);
  SendPings("b", "c", 1);
  world_->RunFor(seconds(2));
  EXPECT_TRUE(Nonces("b").empty());
  EXPECT_TRUE(Nonces("c").empty());
  world_->RunFor(seconds(2));
  EXPECT_EQ(Nonces("b").size(), 1u);
  EXPECT_EQ(Nonces("c").size(), 1u);
}

TEST_F(SimFaultsTest, InFlightBoundDropsTheExcess) {
  SimOptions options;
  options.network.max_in_flight_per_path = 10;
  Start(options);
  Connect("a", "b");
  SendPings("a", "b", 100);
  world_->RunFor(seconds(1));
  EXPECT_EQ(Nonces("b").size(), 10u);
  EXPECT_EQ(world_->stats().dropped_overflow, 90u);
  SendPings("a", "b", 5);  // the path drained, so it accepts again
  world_->RunFor(seconds(1));
  EXPECT_EQ(Nonces("b").size(), 15u);
}

TEST_F(SimFaultsTest, SendModes) {
  Start();
  Do(*world_, N("a"), [](Effects& out) {
    out.Send(N("b"), Ping{1, 0}, SendMode::kIfConnected);
    out.Send(N("b"), Ping{2, 0}, SendMode::kConnectFirst);
  });
  world_->RunFor(seconds(1));
  EXPECT_EQ(Nonces("b"), (std::vector<uint64_t>{2}));
  EXPECT_EQ(world_->stats().dropped_not_connected, 1u);
  EXPECT_FALSE(world_->IsLinkUp(N("a"), N("b")));  // short-lived, no notices
  EXPECT_TRUE(Rec(*world_, N("b")).Of(Input::Kind::kUp).empty());
  world_->Partition({N("a")}, {N("b")});
  Do(*world_, N("a"), [](Effects& out) { out.Send(N("b"), Ping{3, 0}, SendMode::kConnectFirst); });
  world_->RunFor(seconds(1));
  EXPECT_EQ(Nonces("b").size(), 1u);
}

TEST_F(SimFaultsTest, ConnectToUnknownPeerIsRefusedWithOneDownNotice) {
  Start();
  Do(*world_, N("a"), [](Effects& out) { out.Connect(N("nobody")); });
  world_->RunFor(seconds(30));  // many retries with backoff, one notice
  auto downs = Rec(*world_, N("a")).Of(Input::Kind::kDown);
  ASSERT_EQ(downs.size(), 1u);
  EXPECT_EQ(downs[0].peer, N("nobody"));
  EXPECT_EQ(world_->Nodes().size(), 3u);  // the unknown id is not a node
}

TEST_F(SimFaultsTest, DisconnectTellsThePeer) {
  Start();
  Connect("a", "b");
  Do(*world_, N("a"), [](Effects& out) { out.Disconnect(N("b")); });
  world_->RunFor(seconds(10));
  EXPECT_FALSE(world_->IsLinkUp(N("a"), N("b")));
  EXPECT_EQ(Rec(*world_, N("b")).Of(Input::Kind::kDown).size(), 1u);
  EXPECT_TRUE(Rec(*world_, N("a")).Of(Input::Kind::kDown).empty());
}

TEST_F(SimFaultsTest, ConnectToSilentPeerTimesOut) {
  Start();
  world_->Partition({N("a")}, {N("b")});
  const Duration asked = world_->now();
  Do(*world_, N("a"), [](Effects& out) { out.Connect(N("b")); });
  world_->RunFor(seconds(5));
  auto downs = Rec(*world_, N("a")).Of(Input::Kind::kDown);
  ASSERT_EQ(downs.size(), 1u);
  EXPECT_EQ(downs[0].true_time - asked, SimOptions{}.network.connect_timeout);
}

// Regression: the acceptor's up notice and a down notice right after it used independent
// latencies, so the acceptor could hear "down" before "up" and believe a dead link was up.
TEST(SimNoticeOrderTest, AcceptorHearsUpBeforeDownForEverySeed) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    SimOptions options;
    options.seed = seed;
    SimWorld world(options);
    ASSERT_TRUE(world.AddNode(N("a"), Recording(&world)).ok());
    ASSERT_TRUE(world.AddNode(N("b"), Recording(&world)).ok());
    Do(world, N("a"), [](Effects& out) { out.Connect(N("b")); });
    ASSERT_TRUE(world.RunUntil([&] { return world.IsLinkUp(N("a"), N("b")); }, seconds(5)));
    Do(world, N("a"), [](Effects& out) { out.Disconnect(N("b")); });
    world.RunFor(seconds(1));
    std::vector<Input::Kind> kinds;
    for (const Input& in : Rec(world, N("b")).inputs()) {
      if (in.kind == Input::Kind::kUp || in.kind == Input::Kind::kDown) kinds.push_back(in.kind);
    }
    ASSERT_EQ(kinds, (std::vector<Input::Kind>{Input::Kind::kUp, Input::Kind::kDown}))
        << "seed " << seed;
  }
}

// Regression: a message held by a pause released its in-flight slot twice.
TEST_F(SimFaultsTest, InFlightBoundHoldsAcrossAPause) {
  SimOptions options;
  options.network.max_in_flight_per_path = 5;
  options.network.tail_probability = 0;
  Start(options);
  Connect("a", "b");
  ASSERT_TRUE(world_->Pause(N("b")).ok());
  SendPings("a", "b", 5);
  world_->RunFor(seconds(1));  // they arrive and wait for b
  SendPings("a", "b", 5);      // five more in flight: the path is full
  ASSERT_TRUE(world_->Resume(N("b")).ok());
  world_->RunFor(std::chrono::microseconds(50));  // held ones handled; new ones still flying
  SendPings("a", "b", 5);
  world_->RunFor(seconds(1));
  EXPECT_EQ(world_->stats().dropped_overflow, 5u);
  EXPECT_EQ(Nonces("b").size(), 10u);
}

}  // namespace
}  // namespace lashup
