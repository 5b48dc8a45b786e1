#include "wire/codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <cstring>

#include "wire/lashup.capnp.h"

namespace lashup::wire {
namespace {

const NodeId kSender = NodeId::FromLiteral("node-1");

std::vector<Message> SampleMessages() {
  return {
      Ping{7, 123456789},
      Pong{7, -5},
      TestData{"label", {0, 1, 2, 255}, {NodeId::FromLiteral("a"), NodeId::FromLiteral("b@1.2")}},
      TestData{},
      McPacket{NodeId::FromLiteral("o"), 3, 9, "kv", 31, NodeId::FromLiteral("r"), 77, {1, 2}},
      McAck{{1, 2, UINT64_MAX}},
      KvAeTree{5, 2, {3, 17}, {UINT64_MAX, 0}},
      KvAeKeys{5, {1, 4095}, {1, UINT64_MAX}, {9, 8}, true},
      KvAeStates{5, {std::string("k\0\1", 3)}, {"state"}, {42}, false, true, true},
  };
}

TEST(CodecTest, KvParallelListsOfDifferentLengthsAreRefused) {
  for (const Message& bad : std::vector<Message>{KvAeTree{1, 1, {1, 2}, {1}},
                                                 KvAeKeys{1, {0}, {1}, {}, false},
                                                 KvAeStates{1, {"k"}, {}, {}, true, false, false}}) {
    auto bytes = EncodeEnvelope(kSender, bad);
    ASSERT_TRUE(bytes.ok());
    auto decoded = DecodeEnvelope(*bytes);
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument) << MessageKind(bad);
  }
}

TEST(CodecTest, EveryMessageRoundTrips) {
  for (const Message& message : SampleMessages()) {
    auto bytes = EncodeEnvelope(kSender, message);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    auto decoded = DecodeEnvelope(*bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->version, kProtocolVersion);
    EXPECT_EQ(decoded->sender, kSender);
    EXPECT_EQ(decoded->message, message) << MessageKind(message);
  }
}

TEST(CodecTest, EncodingIsDeterministic) {
  for (const Message& message : SampleMessages()) {
    EXPECT_EQ(*EncodeEnvelope(kSender, message), *EncodeEnvelope(kSender, message));
  }
}

TEST(CodecTest, DecodesFromUnalignedBuffer) {
  auto bytes = EncodeEnvelope(kSender, Ping{1, 2});
  std::vector<uint8_t> shifted(bytes->size() + 1);
  std::copy(bytes->begin(), bytes->end(), shifted.begin() + 1);
  auto decoded = DecodeEnvelope(std::span<const uint8_t>(shifted).subspan(1));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->message, Message(Ping{1, 2}));
}

TEST(CodecTest, EncodeRefusesMessagesOverTheFrameLimit) {
  CodecLimits limits;
  limits.max_frame_bytes = 256;
  TestData big{"big", std::vector<uint8_t>(1000, 7), {}};
  auto bytes = EncodeEnvelope(kSender, big, limits);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kResourceExhausted);
}

// Builds an envelope directly with Cap'n Proto so tests can write what our encoder never would.
std::vector<uint8_t> RawEnvelope(uint16_t version, const char* sender,
                                 const std::function<void(schema::Envelope::Builder)>& fill) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<schema::Envelope>();
  root.setVersion(version);
  root.setSender(sender);
  fill(root);
  auto words = capnp::messageToFlatArray(builder);
  auto bytes = words.asBytes();
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

TEST(CodecTest, RejectsUnsupportedVersion) {
  auto bytes = RawEnvelope(99, "node-1", [](auto root) { root.getBody().initPing(); });
  auto decoded = DecodeEnvelope(bytes);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(decoded.status().message().find("version 99"), std::string::npos);
}

TEST(CodecTest, RejectsInvalidSender) {
  for (const char* sender : {"", "bad sender", "x\x01"}) {
    auto bytes = RawEnvelope(kProtocolVersion, sender, [](auto root) {
      root.getBody().initPing();
    });
    auto decoded = DecodeEnvelope(bytes);
    ASSERT_FALSE(decoded.ok()) << sender;
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find("envelope sender"), std::string::npos);
  }
}

TEST(CodecTest, RejectsInvalidNodeIdInsideMessage) {
  auto bytes = RawEnvelope(kProtocolVersion, "node-1", [](auto root) {
    auto data = root.getBody().initTestData();
    auto nodes = data.initNodes(2);
    nodes.set(0, "ok");
    nodes.set(1, "not ok");
  });
  auto decoded = DecodeEnvelope(bytes);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(decoded.status().message().find("test_data.nodes"), std::string::npos);
}

TEST(CodecTest, RejectsMulticastTopicsEmptyOrTooLong) {
  for (const size_t size : {size_t{0}, kMaxMcTopicBytes + 1}) {
    auto bytes = RawEnvelope(kProtocolVersion, "node-1", [size](auto root) {
      auto packet = root.getBody().initMcPacket();
      packet.setOrigin("o");
      packet.setRoot("o");
      packet.setTopic(std::string(size, 't'));
    });
    auto decoded = DecodeEnvelope(bytes);
    ASSERT_FALSE(decoded.ok()) << size;
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find("mc_packet.topic"), std::string::npos);
  }
}

TEST(CodecTest, RejectsEmptyAndMisalignedAndTrailingBytes) {
  EXPECT_EQ(DecodeEnvelope({}).status().code(), StatusCode::kInvalidArgument);
  auto bytes = *EncodeEnvelope(kSender, Ping{1, 1});
  std::vector<uint8_t> odd(bytes.begin(), bytes.end() - 3);
  EXPECT_EQ(DecodeEnvelope(odd).status().code(), StatusCode::kInvalidArgument);
  std::vector<uint8_t> trailing = bytes;
  trailing.resize(bytes.size() + 8, 0);
  auto decoded = DecodeEnvelope(trailing);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("trailing"), std::string::npos);
}

TEST(CodecTest, TraversalLimitStopsAmplification) {
  // 64 KiB of payload is fine by size but exceeds a tiny traversal budget.
  TestData data{"x", std::vector<uint8_t>(64 << 10, 1), {}};
  auto bytes = *EncodeEnvelope(kSender, data);
  CodecLimits limits;
  limits.traversal_limit_words = 128;
  auto decoded = DecodeEnvelope(bytes, limits);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
}

TEST(CodecTest, NestingLimitIsEnforced) {
  auto bytes = *EncodeEnvelope(kSender, TestData{"x", {}, {NodeId::FromLiteral("a")}});
  CodecLimits limits;
  limits.nesting_limit = 1;
  EXPECT_FALSE(DecodeEnvelope(bytes, limits).ok());
}

}  // namespace
}  // namespace lashup::wire

namespace lashup::wire {
namespace {

// Rewrites the body union's discriminant, as a newer peer's unknown message kind would look.
std::vector<uint8_t> WithDiscriminant(std::vector<uint8_t> bytes, uint16_t which) {
  // The data section follows the segment table (8 bytes) and the root pointer (8 bytes); the
  // version is its first 16 bits and the union discriminant the next 16.
  EXPECT_EQ(bytes[18] | (bytes[19] << 8), static_cast<int>(schema::Envelope::Body::PING));
  bytes[18] = static_cast<uint8_t>(which);
  bytes[19] = static_cast<uint8_t>(which >> 8);
  return bytes;
}

TEST(CodecTest, UnknownMessageKindIsUnimplementedAndKeepsTheStream) {
  auto ping = *EncodeEnvelope(kSender, Ping{1, 2});
  auto unknown = WithDiscriminant(ping, 77);
  auto decoded = DecodeEnvelope(unknown);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(decoded.status().message().find("77"), std::string::npos);

  // In a stream, the unknown frame is skipped and the next one still decodes.
  std::vector<uint8_t> stream = {static_cast<uint8_t>(unknown.size()), 0, 0, 0};
  stream.insert(stream.end(), unknown.begin(), unknown.end());
  auto next_frame = *EncodeFrame(kSender, Pong{3, 4});
  stream.insert(stream.end(), next_frame.begin(), next_frame.end());
  FrameDecoder decoder;
  ASSERT_TRUE(decoder.Feed(stream).ok());
  auto first = decoder.Next();
  EXPECT_EQ(first.status().code(), StatusCode::kUnimplemented);
  EXPECT_FALSE(decoder.failed());
  auto second = decoder.Next();
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->message, Message(Pong{3, 4}));
}

}  // namespace
}  // namespace lashup::wire
