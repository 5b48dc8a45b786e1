// DelayLine on a real io_context: per-sender order survives a shrinking delay, senders do not
// hold each other up, and Clear drops what is held.
#include "net/delay_line.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lashup::net {
namespace {

using namespace std::chrono_literals;
using Clock = DelayLine::Clock;

wire::Envelope EnvelopeFrom(const std::string& sender, uint64_t nonce) {
  return wire::Envelope{wire::kProtocolVersion, NodeId::FromLiteral(sender), Ping{nonce, 0}};
}

struct Delivered {
  std::string sender;
  uint64_t nonce;
  Clock::time_point at;
};

class DelayLineTest : public ::testing::Test {
 protected:
  asio::io_context io_;
  std::vector<Delivered> got_;
  DelayLine line_{io_, [this](wire::Envelope&& envelope) {
                    got_.push_back(Delivered{envelope.sender.str(),
                                             std::get<Ping>(envelope.message).nonce, Clock::now()});
                  }};
};

TEST_F(DelayLineTest, KeepsEachSendersOrderAndDoesNotHoldOthersUp) {
  const auto start = Clock::now();
  line_.Push(start + 150ms, EnvelopeFrom("a", 1));
  // Due sooner, yet it waits for the one ahead of it from the same sender.
  line_.Push(start + 10ms, EnvelopeFrom("a", 2));
  line_.Push(start + 30ms, EnvelopeFrom("b", 3));
  EXPECT_TRUE(line_.Holds(NodeId::FromLiteral("a")));
  EXPECT_EQ(line_.size(), 3u);
  io_.run_for(2s);  // returns as soon as nothing is left to wait for

  ASSERT_EQ(got_.size(), 3u);
  EXPECT_EQ(got_[0].sender, "b");
  EXPECT_GE(got_[0].at - start, 30ms);
  EXPECT_EQ(got_[1].nonce, 1u);
  EXPECT_EQ(got_[2].nonce, 2u);
  EXPECT_GE(got_[2].at - start, 150ms);
  EXPECT_FALSE(line_.Holds(NodeId::FromLiteral("a")));
  EXPECT_EQ(line_.size(), 0u);
}

TEST_F(DelayLineTest, ClearDropsEverythingHeld) {
  line_.Push(Clock::now() + 20ms, EnvelopeFrom("a", 1));
  line_.Clear();
  io_.run_for(1s);
  EXPECT_TRUE(got_.empty());
  EXPECT_EQ(line_.size(), 0u);
}

}  // namespace
}  // namespace lashup::net
