#include "wire/codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

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
  };
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
