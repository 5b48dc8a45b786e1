// The malformed-frame test: truncated, oversized, corrupted and random frames never crash the
// decoder and each yields a clear error (or, for a frame cut short, a wait for more bytes).
#include <gtest/gtest.h>

#include "core/rng.h"
#include "wire/codec.h"

namespace lashup::wire {
namespace {

const NodeId kSender = NodeId::FromLiteral("peer-9");

std::vector<uint8_t> Frame(const Message& message) { return *EncodeFrame(kSender, message); }

std::vector<uint8_t> Header(uint32_t length) {
  return {static_cast<uint8_t>(length), static_cast<uint8_t>(length >> 8),
          static_cast<uint8_t>(length >> 16), static_cast<uint8_t>(length >> 24)};
}

TEST(FrameDecoderTest, ReassemblesFramesFedOneByteAtATime) {
  std::vector<uint8_t> stream;
  std::vector<Message> sent = {Ping{1, 10}, Pong{1, 10}, TestData{"t", {9}, {kSender}}};
  for (const Message& m : sent) {
    auto frame = Frame(m);
    stream.insert(stream.end(), frame.begin(), frame.end());
  }
  FrameDecoder decoder;
  std::vector<Message> received;
  for (uint8_t byte : stream) {
    ASSERT_TRUE(decoder.Feed(std::span<const uint8_t>(&byte, 1)).ok());
    auto next = decoder.Next();
    ASSERT_TRUE(next.ok()) << next.status();
    if (next->has_value()) received.push_back((*next)->message);
  }
  EXPECT_EQ(received, sent);
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
}

TEST(FrameDecoderTest, SeveralFramesInOneFeed) {
  std::vector<uint8_t> stream;
  for (int i = 0; i < 5; ++i) {
    auto frame = Frame(Ping{static_cast<uint64_t>(i), 0});
    stream.insert(stream.end(), frame.begin(), frame.end());
  }
  FrameDecoder decoder;
  ASSERT_TRUE(decoder.Feed(stream).ok());
  for (int i = 0; i < 5; ++i) {
    auto next = decoder.Next();
    ASSERT_TRUE(next.ok() && next->has_value());
    EXPECT_EQ((*next)->message, Message(Ping{static_cast<uint64_t>(i), 0}));
  }
  auto none = decoder.Next();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(FrameDecoderTest, TruncatedFrameWaitsForMoreBytes) {
  auto frame = Frame(TestData{"abc", {1, 2, 3}, {}});
  for (size_t cut = 0; cut < frame.size(); ++cut) {
    FrameDecoder decoder;
    ASSERT_TRUE(decoder.Feed(std::span<const uint8_t>(frame.data(), cut)).ok());
    auto next = decoder.Next();
    ASSERT_TRUE(next.ok()) << "cut at " << cut;
    EXPECT_FALSE(next->has_value()) << "cut at " << cut;
  }
}

TEST(FrameDecoderTest, TruncatedMessageInsideAFrameIsAnError) {
  auto payload = *EncodeEnvelope(kSender, TestData{"abc", std::vector<uint8_t>(100, 1), {}});
  for (size_t keep = 8; keep < payload.size(); keep += 8) {
    std::vector<uint8_t> stream = Header(static_cast<uint32_t>(keep));
    stream.insert(stream.end(), payload.begin(), payload.begin() + static_cast<long>(keep));
    FrameDecoder decoder;
    ASSERT_TRUE(decoder.Feed(stream).ok());
    auto next = decoder.Next();
    ASSERT_FALSE(next.ok()) << "kept " << keep;
    EXPECT_EQ(next.status().code(), StatusCode::kInvalidArgument);
    EXPECT_FALSE(next.status().message().empty());
    EXPECT_TRUE(decoder.failed());
  }
}

TEST(FrameDecoderTest, OversizedLengthIsRefusedBeforeBuffering) {
  CodecLimits limits;
  limits.max_frame_bytes = 1024;
  FrameDecoder decoder(limits);
  Status status = decoder.Feed(Header(1025));
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(status.message().find("1025"), std::string::npos);
  EXPECT_TRUE(decoder.failed());
  // Sticky: the stream is out of sync, nothing more is accepted.
  std::vector<uint8_t> more(16, 0);
  EXPECT_FALSE(decoder.Feed(more).ok());
  EXPECT_FALSE(decoder.Next().ok());
}

TEST(FrameDecoderTest, HugeLengthFromHostilePeerIsRefused) {
  FrameDecoder decoder;
  EXPECT_EQ(decoder.Feed(Header(0xffffffffu)).code(), StatusCode::kResourceExhausted);
  EXPECT_LE(decoder.buffered_bytes(), kFrameHeaderBytes);
}

TEST(FrameDecoderTest, ZeroLengthFramesAreKeepalivesAndDoNotAccumulate) {
  FrameDecoder decoder;
  for (int i = 0; i < 100000; ++i) {
    ASSERT_TRUE(decoder.Feed(Header(0)).ok());
    auto next = decoder.Next();
    ASSERT_TRUE(next.ok());
    EXPECT_FALSE(next->has_value());
  }
  EXPECT_EQ(decoder.keepalives(), 100000u);
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
}

TEST(FrameDecoderTest, UndrainedDecoderStopsBuffering) {
  CodecLimits limits;
  limits.max_frame_bytes = 1024;
  FrameDecoder decoder(limits);
  auto frame = Frame(Ping{1, 1});
  Status status;
  for (int i = 0; i < 1000 && status.ok(); ++i) status = decoder.Feed(frame);
  EXPECT_EQ(status.code(), StatusCode::kResourceExhausted);
  EXPECT_LE(decoder.buffered_bytes(), 2 * (limits.max_frame_bytes + kFrameHeaderBytes));
}

TEST(FrameDecoderTest, CorruptedFramesNeverCrash) {
  Rng rng(2026);
  int errors = 0;
  for (int round = 0; round < 3000; ++round) {
    auto frame = Frame(TestData{"x", std::vector<uint8_t>(rng.Uniform(40), 3),
                                {NodeId::FromLiteral("n")}});
    const uint64_t flips = 1 + rng.Uniform(4);
    for (uint64_t i = 0; i < flips; ++i) {
      // Keep the header intact so the corruption reaches the message decoder.
      frame[kFrameHeaderBytes + rng.Uniform(frame.size() - kFrameHeaderBytes)] ^=
          static_cast<uint8_t>(1 + rng.Uniform(255));
    }
    FrameDecoder decoder;
    ASSERT_TRUE(decoder.Feed(frame).ok());
    auto next = decoder.Next();
    if (!next.ok()) {
      ++errors;
      EXPECT_FALSE(next.status().message().empty());
    } else {
      ASSERT_TRUE(next->has_value());  // the whole frame is there
    }
  }
  // Many corruptions land in payload bytes and still decode; many must not.
  EXPECT_GT(errors, 300);
}

TEST(FrameDecoderTest, RandomBytesNeverCrash) {
  Rng rng(7);
  CodecLimits limits;
  limits.max_frame_bytes = 4096;
  int errors = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> bytes(rng.Uniform(200));
    for (auto& b : bytes) b = static_cast<uint8_t>(rng.Next());
    if (bytes.size() >= 4 && rng.Bernoulli(0.5)) {
      // A plausible header makes the random body reach Cap'n Proto.
      const uint32_t len = static_cast<uint32_t>((bytes.size() - 4) & ~size_t{7});
      bytes[0] = static_cast<uint8_t>(len);
      bytes[1] = static_cast<uint8_t>(len >> 8);
      bytes[2] = bytes[3] = 0;
    }
    FrameDecoder decoder(limits);
    Status fed = decoder.Feed(bytes);
    auto next = decoder.Next();
    if (!fed.ok() || !next.ok()) {
      ++errors;
      EXPECT_FALSE((fed.ok() ? next.status() : fed).message().empty());
    }
  }
  EXPECT_GT(errors, 1000);
}

}  // namespace
}  // namespace lashup::wire
