#include "membership/failure_detector.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lashup::membership {
namespace {

using std::chrono::milliseconds;

NodeId N(const std::string& name) { return NodeId::FromLiteral(name); }

Now At(int64_t ms) {
  return {InstantFromNanos(ms * 1'000'000), WallTimeFromNanos(ms * 1'000'000)};
}

std::optional<Instant> TimerAt(const Effects& out, FdTimer kind) {
  std::optional<Instant> at;
  for (const TimerOp& op : out.timers()) {
    if (op.id.component == Component::kFailureDetector &&
        op.id.kind == static_cast<uint32_t>(kind)) {
      at = op.cancel ? std::nullopt : std::optional<Instant>(op.at);
    }
  }
  return at;
}

TimerId Key(const Effects& out, FdTimer kind) {
  for (const TimerOp& op : out.timers()) {
    if (op.id.component == Component::kFailureDetector &&
        op.id.kind == static_cast<uint32_t>(kind) && !op.cancel) {
      return op.id;
    }
  }
  ADD_FAILURE() << "no timer of kind " << static_cast<int>(kind);
  return {};
}

template <typename M>
std::vector<std::pair<NodeId, M>> Sent(const Effects& out) {
  std::vector<std::pair<NodeId, M>> found;
  for (const NetOp& op : out.net()) {
    if (const auto* m = std::get_if<M>(&op.message)) found.emplace_back(op.peer, *m);
  }
  return found;
}

// The timeout formula, pinned: clamp(srtt + 4 rttvar, floor, cap) * (1 + local health), and the
// cap before any sample.
TEST(ProbeTimeout, Table) {
  FailureDetectorConfig c;  // floor 100 ms, cap 1000 ms
  struct Row {
    std::optional<int> srtt_ms;
    int rttvar_ms;
    int health;
    int expect_ms;
  };
  const Row rows[] = {
      {std::nullopt, 0, 0, 1000},  // no sample: the cap
      {std::nullopt, 0, 2, 3000},  // ... stretched by local health
      {1, 0, 0, 100},              // a LAN link: the floor
      {20, 10, 0, 100},            // 20 + 40 = 60 -> floor
      {50, 20, 0, 130},            // 50 + 80
      {200, 50, 0, 400},           // 200 + 200
      {400, 200, 0, 1000},         // 1200 -> cap
      {50, 20, 1, 260},            // 130 * 2
      {1, 0, 8, 900},              // floor * 9
  };
  for (const Row& r : rows) {
    const auto srtt =
        r.srtt_ms ? std::optional<Duration>(milliseconds(*r.srtt_ms)) : std::nullopt;
    EXPECT_EQ(ProbeTimeout(c, srtt, milliseconds(r.rttvar_ms), r.health),
              milliseconds(r.expect_ms))
        << "srtt " << r.srtt_ms.value_or(-1) << " rttvar " << r.rttvar_ms << " health "
        << r.health;
  }
}

class FailureDetectorTest : public ::testing::Test {
 protected:
  FailureDetectorTest() : fd_(FailureDetectorConfig{}, Rng(3)) {}

  // Monitors "p", fires its first ping at `at`; returns the ping's seq.
  uint64_t FirstPing(int64_t at) {
    fd_.Monitor(At(0), N("p"), out_);
    const auto first = TimerAt(out_, FdTimer::kPing);
    EXPECT_TRUE(first.has_value());
    EXPECT_LE(*first, At(100).mono);  // a new link is measured within a tenth of an interval
    const TimerId ping = Key(out_, FdTimer::kPing);
    out_.Clear();
    fd_.OnTimer(At(at), ping, neighbours_, out_);
    auto pings = Sent<FdPing>(out_);
    EXPECT_EQ(pings.size(), 1u);
    return pings.empty() ? 0 : pings[0].second.seq;
  }

  FailureDetector fd_;
  Effects out_;
  std::vector<NodeId> neighbours_{N("p"), N("h1"), N("h2"), N("h3"), N("h4")};
};

TEST_F(FailureDetectorTest, AnsweredPingMeasuresTheRttAndSchedulesTheNext) {
  const uint64_t seq = FirstPing(500);
  EXPECT_EQ(TimerAt(out_, FdTimer::kDirectTimeout), At(1500).mono);  // the cap: no sample yet
  out_.Clear();
  fd_.OnMessage(At(520), N("p"), FdAck{seq}, neighbours_, out_);
  EXPECT_EQ(fd_.Rtt(N("p")), milliseconds(20));
  const auto next = TimerAt(out_, FdTimer::kPing);
  ASSERT_TRUE(next.has_value());
  EXPECT_GE(*next, At(1400).mono);  // one interval after the ping, jittered by a tenth
  EXPECT_LE(*next, At(1600).mono);
  EXPECT_TRUE(fd_.TakeFailed().empty());
}

TEST_F(FailureDetectorTest, AMissedAckAsksHelpersAndTheirAckSavesThePeer) {
  const uint64_t seq = FirstPing(500);
  const TimerId direct = Key(out_, FdTimer::kDirectTimeout);
  out_.Clear();
  fd_.OnTimer(At(1500), direct, neighbours_, out_);
  const auto requests = Sent<FdProbeRequest>(out_);
  ASSERT_EQ(requests.size(), 3u);  // k = 3, never the suspect itself
  for (const auto& [helper, request] : requests) {
    EXPECT_NE(helper, N("p"));
    EXPECT_EQ(request.target, N("p"));
    EXPECT_EQ(request.seq, seq);
    EXPECT_EQ(request.wait_ms, 1000u);  // this probe's timeout: the cap, no sample yet
  }
  EXPECT_EQ(TimerAt(out_, FdTimer::kIndirectTimeout), At(1500 + 2000).mono);
  EXPECT_EQ(fd_.local_health(), 1);
  out_.Clear();
  fd_.OnMessage(At(1600), requests[0].first, FdProbeResult{N("p"), seq, true}, neighbours_,
                out_);
  EXPECT_TRUE(TimerAt(out_, FdTimer::kPing).has_value());
  EXPECT_TRUE(fd_.TakeFailed().empty());
}

TEST_F(FailureDetectorTest, NoAnswerFromAnyoneDeclaresThePeerFailed) {
  FirstPing(500);
  const TimerId direct = Key(out_, FdTimer::kDirectTimeout);
  out_.Clear();
  fd_.OnTimer(At(1500), direct, neighbours_, out_);
  const auto requests = Sent<FdProbeRequest>(out_);
  const TimerId indirect = Key(out_, FdTimer::kIndirectTimeout);
  // Helpers answer with nacks: they work, the peer does not.
  for (const auto& [helper, request] : requests) {
    fd_.OnMessage(At(1700), helper, FdProbeResult{N("p"), request.seq, false}, neighbours_, out_);
  }
  fd_.OnTimer(At(4500), indirect, neighbours_, out_);
  EXPECT_EQ(fd_.TakeFailed(), std::vector<NodeId>{N("p")});
  EXPECT_EQ(fd_.local_health(), 1);  // every helper answered: no extra blame on ourselves
  EXPECT_FALSE(fd_.Rtt(N("p")).has_value());  // forgotten
}

TEST_F(FailureDetectorTest, MissingNacksRaiseLocalHealthAndStretchTimeouts) {
  FirstPing(500);
  const TimerId direct = Key(out_, FdTimer::kDirectTimeout);
  out_.Clear();
  fd_.OnTimer(At(1500), direct, neighbours_, out_);
  const TimerId indirect = Key(out_, FdTimer::kIndirectTimeout);
  fd_.OnTimer(At(4500), indirect, neighbours_, out_);  // no nack came at all
  EXPECT_EQ(fd_.local_health(), 2);
  // The next peer's first timeout is stretched: cap * (1 + 2).
  out_.Clear();
  fd_.Monitor(At(5000), N("q"), out_);
  const TimerId ping = Key(out_, FdTimer::kPing);
  out_.Clear();
  fd_.OnTimer(At(5100), ping, neighbours_, out_);
  EXPECT_EQ(TimerAt(out_, FdTimer::kDirectTimeout), At(5100 + 3000).mono);
  // Timely acks bring it back down.
  fd_.OnMessage(At(5110), N("q"), FdAck{Sent<FdPing>(out_)[0].second.seq}, neighbours_, out_);
  EXPECT_EQ(fd_.local_health(), 1);
}

TEST_F(FailureDetectorTest, AnUnmeasuredLinkBorrowsTheSlowestMeasuredOne) {
  // p: one 50 ms sample (srtt 50, rttvar 25: 150 ms); q: one 100 ms sample (300 ms).
  const uint64_t seq = FirstPing(50);
  fd_.OnMessage(At(100), N("p"), FdAck{seq}, neighbours_, out_);
  out_.Clear();
  fd_.Monitor(At(100), N("q"), out_);
  fd_.OnTimer(At(150), Key(out_, FdTimer::kPing), neighbours_, out_);
  const uint64_t q_seq = Sent<FdPing>(out_)[0].second.seq;
  fd_.OnMessage(At(250), N("q"), FdAck{q_seq}, neighbours_, out_);
  out_.Clear();
  fd_.Monitor(At(300), N("r"), out_);
  const TimerId ping = Key(out_, FdTimer::kPing);
  out_.Clear();
  fd_.OnTimer(At(350), ping, neighbours_, out_);
  EXPECT_EQ(TimerAt(out_, FdTimer::kDirectTimeout), At(350 + 300).mono);  // the slowest, not the cap
  // Missed: the helpers get the cap, since r's own round trip is unknown.
  const TimerId direct = Key(out_, FdTimer::kDirectTimeout);
  out_.Clear();
  fd_.OnTimer(At(650), direct, neighbours_, out_);
  for (const auto& [helper, request] : Sent<FdProbeRequest>(out_)) {
    EXPECT_EQ(request.wait_ms, 1000u) << helper;
  }
}

TEST_F(FailureDetectorTest, AVantagePointIsAlwaysAmongTheHelpers) {
  for (int round = 0; round < 5; ++round) {
    Effects out;
    FailureDetector fd(FailureDetectorConfig{}, Rng(100 + round));
    fd.SetVantagePoints({N("contact"), N("p")});  // never the suspect itself
    fd.Monitor(At(0), N("p"), out);
    fd.OnTimer(At(50), Key(out, FdTimer::kPing), neighbours_, out);
    const TimerId direct = Key(out, FdTimer::kDirectTimeout);
    out.Clear();
    fd.OnTimer(At(1050), direct, neighbours_, out);
    const auto requests = Sent<FdProbeRequest>(out);
    ASSERT_EQ(requests.size(), 3u);
    size_t contacts = 0;
    for (const auto& [helper, request] : requests) {
      EXPECT_NE(helper, N("p"));
      contacts += helper == N("contact") ? 1 : 0;
    }
    EXPECT_EQ(contacts, 1u);
    for (const NetOp& op : out.net()) {
      if (std::holds_alternative<FdProbeRequest>(op.message)) {
        EXPECT_EQ(op.mode, SendMode::kConnectFirst);  // a contact may not be a neighbour
      }
    }
  }
}

// A missed direct ping is sent once more, with its own number, alongside the indirect probes:
// its ack settles the probe and measures the link from the retry's own send time.
TEST_F(FailureDetectorTest, TheDirectPingIsRetriedAlongsideTheIndirectProbes) {
  const uint64_t first = FirstPing(50);
  out_.Clear();
  fd_.OnMessage(At(60), N("p"), FdAck{first}, neighbours_, out_);  // srtt 10 ms: timeout 100
  fd_.OnTimer(At(1050), Key(out_, FdTimer::kPing), neighbours_, out_);
  const auto pings = Sent<FdPing>(out_);
  ASSERT_EQ(pings.size(), 1u);
  const TimerId direct = Key(out_, FdTimer::kDirectTimeout);
  out_.Clear();
  fd_.OnTimer(At(1150), direct, neighbours_, out_);
  const auto retries = Sent<FdPing>(out_);
  ASSERT_EQ(retries.size(), 1u);
  EXPECT_EQ(retries[0].first, N("p"));
  EXPECT_NE(retries[0].second.seq, pings[0].second.seq);
  EXPECT_EQ(Sent<FdProbeRequest>(out_).size(), 3u);
  out_.Clear();
  fd_.OnMessage(At(1162), N("p"), FdAck{retries[0].second.seq}, neighbours_, out_);
  EXPECT_EQ(fd_.Rtt(N("p")), Duration(milliseconds(82)) / 8);  // (7 * 10 + 12) / 8
  EXPECT_FALSE(fd_.ReachedOnlyThroughOthers(N("p")));
  EXPECT_TRUE(fd_.TakeFailed().empty());
  EXPECT_TRUE(fd_.TakeBroken().empty());
}

// Direct pings that miss twice in a row while a helper reaches the peer: the link is broken,
// the peer is not failed. A direct ack in between resets the count.
TEST_F(FailureDetectorTest, ALinkThatOnlyHelpersGetThroughIsBroken) {
  uint64_t seq = FirstPing(50);
  out_.Clear();
  fd_.OnMessage(At(60), N("p"), FdAck{seq}, neighbours_, out_);  // a sample: timeout 100 ms
  int64_t t = 1000;
  for (int miss = 1; miss <= 3; ++miss) {
    out_.Clear();
    fd_.ProbeNow(At(t), N("p"), out_);
    seq = Sent<FdPing>(out_)[0].second.seq;
    const TimerId direct = Key(out_, FdTimer::kDirectTimeout);
    out_.Clear();
    fd_.OnTimer(At(t + 100), direct, neighbours_, out_);
    ASSERT_FALSE(Sent<FdProbeRequest>(out_).empty());
    out_.Clear();
    fd_.OnMessage(At(t + 150), N("h1"), FdProbeResult{N("p"), seq, true}, neighbours_, out_);
    EXPECT_TRUE(fd_.TakeFailed().empty());
    if (miss == 1) {
      EXPECT_TRUE(fd_.TakeBroken().empty());
      EXPECT_TRUE(fd_.ReachedOnlyThroughOthers(N("p")));
      // A direct ack now forgives the miss.
      out_.Clear();
      fd_.ProbeNow(At(t + 500), N("p"), out_);
      fd_.OnMessage(At(t + 510), N("p"), FdAck{Sent<FdPing>(out_)[0].second.seq}, neighbours_,
                    out_);
      EXPECT_FALSE(fd_.ReachedOnlyThroughOthers(N("p")));
    } else if (miss == 2) {
      EXPECT_TRUE(fd_.TakeBroken().empty());  // the first miss was forgiven: one in a row
    } else {
      EXPECT_EQ(fd_.TakeBroken(), std::vector<NodeId>{N("p")});
      EXPECT_FALSE(fd_.Rtt(N("p")).has_value());  // forgotten, like a failed peer
    }
    t += 1000;
  }
}

// A direct ack that arrives while helpers are asked shows the direct path works: it measures
// the link and the miss does not count toward a broken link.
TEST_F(FailureDetectorTest, ALateDirectAckClearsTheMiss) {
  uint64_t seq = FirstPing(50);
  fd_.OnMessage(At(60), N("p"), FdAck{seq}, neighbours_, out_);
  out_.Clear();
  fd_.ProbeNow(At(1000), N("p"), out_);
  seq = Sent<FdPing>(out_)[0].second.seq;
  const TimerId direct = Key(out_, FdTimer::kDirectTimeout);
  out_.Clear();
  fd_.OnTimer(At(1100), direct, neighbours_, out_);  // missed
  ASSERT_FALSE(Sent<FdProbeRequest>(out_).empty());
  fd_.OnMessage(At(1150), N("p"), FdAck{seq}, neighbours_, out_);  // late, but ours
  EXPECT_FALSE(fd_.ReachedOnlyThroughOthers(N("p")));
  EXPECT_TRUE(fd_.TakeFailed().empty());
  EXPECT_TRUE(fd_.TakeBroken().empty());
}

// Verify asks helpers about a peer whose link is gone: the first answer settles it, or silence
// for one and a half waits of the cap.
TEST_F(FailureDetectorTest, VerifyAsksHelpersWhetherAPeerWithoutALinkLives) {
  fd_.SetVantagePoints({N("contact")});
  const auto requests_of = [&](int64_t at) {
    out_.Clear();
    fd_.Verify(At(at), N("p"), neighbours_, out_);
    return Sent<FdProbeRequest>(out_);
  };
  auto requests = requests_of(0);
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].second.wait_ms, 1000u);
  EXPECT_TRUE(fd_.TakeVerdicts().empty());
  fd_.OnMessage(At(5), requests[1].first, FdProbeResult{N("p"), requests[1].second.seq, true},
                neighbours_, out_);
  EXPECT_EQ(fd_.TakeVerdicts(), (std::vector<Verdict>{{N("p"), true}}));

  // The first nack settles it (an "alive" would have come long before); later answers are late.
  requests = requests_of(10);
  fd_.OnMessage(At(1010), requests[2].first, FdProbeResult{N("p"), requests[2].second.seq, false},
                neighbours_, out_);
  EXPECT_EQ(fd_.TakeVerdicts(), (std::vector<Verdict>{{N("p"), false}}));
  fd_.OnMessage(At(1011), requests[0].first, FdProbeResult{N("p"), requests[0].second.seq, false},
                neighbours_, out_);
  EXPECT_TRUE(fd_.TakeVerdicts().empty());

  requests = requests_of(30);
  const TimerId verify = Key(out_, FdTimer::kVerify);
  EXPECT_EQ(TimerAt(out_, FdTimer::kVerify), At(30 + 1500).mono);
  fd_.OnTimer(At(1530), verify, neighbours_, out_);
  EXPECT_EQ(fd_.TakeVerdicts(), (std::vector<Verdict>{{N("p"), false}}));
  // A late answer after the verdict changes nothing.
  fd_.OnMessage(At(2040), requests[0].first, FdProbeResult{N("p"), requests[0].second.seq, true},
                neighbours_, out_);
  EXPECT_TRUE(fd_.TakeVerdicts().empty());
}

TEST_F(FailureDetectorTest, HelpsOthersWithAckOrNack) {
  fd_.OnMessage(At(0), N("r"), FdProbeRequest{N("t"), 77, 300}, neighbours_, out_);
  const auto pings = Sent<FdPing>(out_);
  ASSERT_EQ(pings.size(), 1u);
  EXPECT_EQ(pings[0].first, N("t"));
  EXPECT_EQ(out_.net()[0].mode, SendMode::kConnectFirst);  // the helper may have no link to t
  EXPECT_EQ(TimerAt(out_, FdTimer::kHelp), At(300).mono);
  out_.Clear();
  fd_.OnMessage(At(10), N("t"), FdAck{pings[0].second.seq}, neighbours_, out_);
  auto results = Sent<FdProbeResult>(out_);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].first, N("r"));
  EXPECT_EQ(results[0].second, (FdProbeResult{N("t"), 77, true}));
  // A second request the target never answers ends in a nack.
  out_.Clear();
  fd_.OnMessage(At(20), N("r"), FdProbeRequest{N("t"), 78, 300}, neighbours_, out_);
  const TimerId help = Key(out_, FdTimer::kHelp);
  out_.Clear();
  fd_.OnTimer(At(320), help, neighbours_, out_);
  results = Sent<FdProbeResult>(out_);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].second, (FdProbeResult{N("t"), 78, false}));
}

TEST_F(FailureDetectorTest, AnswersPingsAndIgnoresStrayAcksAndResults) {
  fd_.OnMessage(At(0), N("x"), FdPing{9}, neighbours_, out_);
  ASSERT_EQ(Sent<FdAck>(out_).size(), 1u);
  EXPECT_EQ(Sent<FdAck>(out_)[0].second.seq, 9u);
  out_.Clear();
  fd_.OnMessage(At(1), N("x"), FdAck{12345}, neighbours_, out_);
  fd_.OnMessage(At(1), N("x"), FdProbeResult{N("p"), 1, false}, neighbours_, out_);
  EXPECT_TRUE(out_.empty());
}

TEST_F(FailureDetectorTest, ProbeNowPingsAtOnceUnlessAProbeIsRunning) {
  fd_.Monitor(At(0), N("p"), out_);
  out_.Clear();
  fd_.ProbeNow(At(10), N("p"), out_);
  EXPECT_EQ(Sent<FdPing>(out_).size(), 1u);
  out_.Clear();
  fd_.ProbeNow(At(20), N("p"), out_);
  EXPECT_TRUE(Sent<FdPing>(out_).empty());
}

}  // namespace
}  // namespace lashup::membership
