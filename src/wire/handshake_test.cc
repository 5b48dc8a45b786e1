// The transport handshake codec and the framing features the transport relies on: keepalive
// frames, raw payload access, and poisoning a decoder from outside.
#include "wire/handshake.h"

#include <gtest/gtest.h>

#include "core/rng.h"

namespace lashup::wire {
namespace {

const NodeId kNode = NodeId::FromLiteral("n1@127.0.0.1:7001");

std::span<const uint8_t> PayloadOf(const std::vector<uint8_t>& frame) {
  return std::span<const uint8_t>(frame).subspan(kFrameHeaderBytes);
}

TEST(HandshakeTest, HelloRoundTrips) {
  Hello hello{kNode, 0xfeedfacecafef00d, true, 42, 41};
  auto frame = EncodeHandshakeFrame(hello);
  auto decoded = DecodeHandshake(PayloadOf(frame));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(std::get<Hello>(*decoded), hello);

  hello.long_lived = false;
  hello.last_link_id = 0;
  decoded = DecodeHandshake(PayloadOf(EncodeHandshakeFrame(hello)));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(std::get<Hello>(*decoded), hello);
}

TEST(HandshakeTest, ReplyRoundTripsEveryVerdict) {
  for (Verdict verdict : {Verdict::kAccept, Verdict::kDuplicate, Verdict::kRefused}) {
    HelloReply reply{kNode, 7, verdict, verdict == Verdict::kRefused ? "busy" : ""};
    auto decoded = DecodeHandshake(PayloadOf(EncodeHandshakeFrame(reply)));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(std::get<HelloReply>(*decoded), reply);
  }
}

TEST(HandshakeTest, LongReasonIsCut) {
  HelloReply reply{kNode, 7, Verdict::kRefused, std::string(1000, 'x')};
  auto decoded = DecodeHandshake(PayloadOf(EncodeHandshakeFrame(reply)));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(std::get<HelloReply>(*decoded).reason.size(), kMaxReasonBytes);
}

TEST(HandshakeTest, InvalidNodeIdIsRejected) {
  Hello hello{NodeId(), 1, true, 1, 0};  // empty id encodes; the receiver must refuse it
  auto decoded = DecodeHandshake(PayloadOf(EncodeHandshakeFrame(hello)));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find("handshake node id"), std::string::npos);
}

TEST(HandshakeTest, RandomBytesNeverCrash) {
  Rng rng(99);
  int errors = 0;
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> bytes(8 * (1 + rng.Uniform(16)));
    for (auto& b : bytes) b = static_cast<uint8_t>(rng.Next());
    auto decoded = DecodeHandshake(bytes);
    if (!decoded.ok()) {
      ++errors;
      EXPECT_FALSE(decoded.status().message().empty());
    }
  }
  EXPECT_GT(errors, 1900);
}

TEST(HandshakeTest, OddSizedAndEmptyPayloadsAreErrors) {
  std::vector<uint8_t> seven(7, 0);
  EXPECT_EQ(DecodeHandshake(seven).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeHandshake({}).status().code(), StatusCode::kInvalidArgument);
}

TEST(FramingTest, KeepalivesAreSkippedAndCounted) {
  std::vector<uint8_t> stream = KeepaliveFrame();
  auto ping = *EncodeFrame(kNode, Ping{5, 6});
  stream.insert(stream.end(), ping.begin(), ping.end());
  auto keepalive = KeepaliveFrame();
  stream.insert(stream.end(), keepalive.begin(), keepalive.end());
  FrameDecoder decoder;
  ASSERT_TRUE(decoder.Feed(stream).ok());
  auto next = decoder.Next();
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ((*next)->message, Message(Ping{5, 6}));
  next = decoder.Next();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
  EXPECT_EQ(decoder.keepalives(), 2u);
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
}

TEST(FramingTest, NextPayloadHandsBackHandshakeThenEnvelopes) {
  std::vector<uint8_t> stream = EncodeHandshakeFrame(Hello{kNode, 1, true, 2, 0});
  auto ping = *EncodeFrame(kNode, Ping{5, 6});
  stream.insert(stream.end(), ping.begin(), ping.end());
  FrameDecoder decoder;
  ASSERT_TRUE(decoder.Feed(stream).ok());
  auto payload = decoder.NextPayload();
  ASSERT_TRUE(payload.ok() && payload->has_value());
  auto hello = DecodeHandshake(**payload);
  ASSERT_TRUE(hello.ok()) << hello.status();
  EXPECT_EQ(std::get<Hello>(*hello).node, kNode);
  auto next = decoder.Next();
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ((*next)->message, Message(Ping{5, 6}));
}

TEST(FramingTest, FailPoisonsTheDecoder) {
  FrameDecoder decoder;
  decoder.Fail(InvalidArgumentError("peer claimed another id"));
  EXPECT_TRUE(decoder.failed());
  EXPECT_EQ(decoder.Feed(KeepaliveFrame()).code(), StatusCode::kInvalidArgument);
  decoder.Fail(InternalError("second"));  // the first error stays
  EXPECT_EQ(decoder.error().message(), "peer claimed another id");
}

}  // namespace
}  // namespace lashup::wire
