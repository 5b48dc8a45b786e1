#include "routing/link_outbox.h"

#include <gtest/gtest.h>

namespace lashup::routing {
namespace {

using std::chrono::milliseconds;

TEST(LinkOutboxTest, NumbersCopiesFromItsStartAndForgetsAcknowledgedOnes) {
  RetransmitConfig config;
  EXPECT_EQ([&] {
    LinkOutbox other(config, 500);
    McPacket q;
    other.Send(Instant(), q);
    return q.hop_seq;
  }(), 500u);
  LinkOutbox outbox(config, 1);
  const Instant t0(std::chrono::seconds(1));
  McPacket a;
  McPacket b;
  outbox.Send(t0, a);
  outbox.Send(t0, b);
  EXPECT_EQ(a.hop_seq, 1u);
  EXPECT_EQ(b.hop_seq, 2u);
  outbox.Ack(t0 + milliseconds(2), 1);
  outbox.Ack(t0 + milliseconds(2), 1);  // a duplicate ack changes nothing
  EXPECT_EQ(outbox.unacked(), 1u);
}

TEST(LinkOutboxTest, ResendsWithDoublingWaitsThenGivesUp) {
  RetransmitConfig config;
  config.initial_rto = milliseconds(50);
  config.max_retransmits = 2;
  LinkOutbox outbox(config, 1);
  const Instant t0(std::chrono::seconds(1));
  McPacket p;
  outbox.Send(t0, p);
  std::vector<McPacket> given_up;
  EXPECT_TRUE(outbox.Due(t0 + milliseconds(49), given_up).empty());
  EXPECT_EQ(*outbox.NextDue(), t0 + milliseconds(50));
  ASSERT_EQ(outbox.Due(t0 + milliseconds(50), given_up).size(), 1u);
  EXPECT_EQ(*outbox.NextDue(), t0 + milliseconds(150));  // 50 + 2 * 50
  ASSERT_EQ(outbox.Due(t0 + milliseconds(150), given_up).size(), 1u);
  EXPECT_EQ(*outbox.NextDue(), t0 + milliseconds(350));  // 150 + 4 * 50
  EXPECT_TRUE(outbox.Due(t0 + milliseconds(350), given_up).empty());
  EXPECT_EQ(given_up.size(), 1u);
  EXPECT_EQ(given_up[0].hop_seq, p.hop_seq);
  EXPECT_EQ(outbox.unacked(), 0u);
  EXPECT_FALSE(outbox.NextDue());
}

TEST(LinkOutboxTest, TheTimeoutFollowsMeasuredRoundTripsButNotResentOnes) {
  RetransmitConfig config;
  config.min_rto = milliseconds(1);
  LinkOutbox outbox(config, 1);
  Instant t(std::chrono::seconds(1));
  EXPECT_EQ(outbox.Rto(), config.initial_rto);
  McPacket p;
  outbox.Send(t, p);
  outbox.Ack(t + milliseconds(4), p.hop_seq);
  EXPECT_EQ(outbox.Rto(), milliseconds(4) + 4 * milliseconds(2));  // srtt 4, rttvar 2
  // A resent copy's ack is ambiguous (Karn): it leaves the estimate alone.
  McPacket q;
  outbox.Send(t, q);
  std::vector<McPacket> given_up;
  ASSERT_EQ(outbox.Due(t + milliseconds(12), given_up).size(), 1u);
  outbox.Ack(t + milliseconds(500), q.hop_seq);
  EXPECT_EQ(outbox.Rto(), milliseconds(12));
}

TEST(LinkOutboxTest, BoundedGivingUpTheOldest) {
  RetransmitConfig config;
  config.max_unacked = 2;
  LinkOutbox outbox(config, 1);
  const Instant t0(std::chrono::seconds(1));
  McPacket p;
  EXPECT_FALSE(outbox.Send(t0, p));
  EXPECT_FALSE(outbox.Send(t0, p));
  const std::optional<McPacket> given_up = outbox.Send(t0, p);
  ASSERT_TRUE(given_up);
  EXPECT_EQ(given_up->hop_seq, 1u);  // the oldest
  EXPECT_EQ(outbox.unacked(), 2u);
  const std::vector<McPacket> all = outbox.TakeAll();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].hop_seq, 2u);  // the oldest left, first
  EXPECT_EQ(outbox.unacked(), 0u);
}

}  // namespace
}  // namespace lashup::routing
