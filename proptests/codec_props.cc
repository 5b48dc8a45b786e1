// Codec laws: every message round-trips through the wire codec unchanged, encoding is a pure
// function, and arbitrary bytes never crash the decoder.
#include <gtest/gtest.h>
// rapidcheck's gtest glue must come after gtest.
#include <rapidcheck/gtest.h>

#include "wire/codec.h"

namespace rc {

template <>
struct Arbitrary<lashup::NodeId> {
  static Gen<lashup::NodeId> arbitrary() {
    const std::string alphabet = "abcXYZ019._:@-[]";
    return gen::map(gen::container<std::string>(gen::elementOf(alphabet)), [](std::string s) {
      if (s.empty()) s = "n";
      if (s.size() > lashup::NodeId::kMaxLength) s.resize(lashup::NodeId::kMaxLength);
      return lashup::NodeId::FromLiteral(s);
    });
  }
};

template <>
struct Arbitrary<lashup::Message> {
  static Gen<lashup::Message> arbitrary() {
    using lashup::Message;
    return gen::oneOf(
        gen::construct<Message>(gen::build<lashup::Ping>(gen::set(&lashup::Ping::nonce),
                                                         gen::set(&lashup::Ping::sent_at_ns))),
        gen::construct<Message>(
            gen::build<lashup::Pong>(gen::set(&lashup::Pong::nonce),
                                     gen::set(&lashup::Pong::echoed_sent_at_ns))),
        gen::construct<Message>(gen::build<lashup::TestData>(
            gen::set(&lashup::TestData::label), gen::set(&lashup::TestData::payload),
            gen::set(&lashup::TestData::nodes))));
  }
};

}  // namespace rc

namespace lashup::wire {
namespace {

RC_GTEST_PROP(CodecProps, EveryMessageRoundTrips, (const NodeId& sender, const Message& message)) {
  auto frame = EncodeFrame(sender, message);
  RC_ASSERT(frame.ok());
  FrameDecoder decoder;
  RC_ASSERT(decoder.Feed(*frame).ok());
  auto next = decoder.Next();
  RC_ASSERT(next.ok());
  RC_ASSERT(next->has_value());
  RC_ASSERT((*next)->sender == sender);
  RC_ASSERT((*next)->message == message);
}

RC_GTEST_PROP(CodecProps, EncodingIsAPureFunction, (const NodeId& sender, const Message& message)) {
  RC_ASSERT(*EncodeEnvelope(sender, message) == *EncodeEnvelope(sender, message));
}

RC_GTEST_PROP(CodecProps, FramesSurviveAnySplitting,
              (const std::vector<Message>& messages, const std::vector<uint8_t>& cuts)) {
  const NodeId sender = NodeId::FromLiteral("s");
  std::vector<uint8_t> stream;
  for (const Message& m : messages) {
    auto frame = *EncodeFrame(sender, m);
    stream.insert(stream.end(), frame.begin(), frame.end());
  }
  FrameDecoder decoder;
  std::vector<Message> received;
  size_t offset = 0;
  for (size_t i = 0; offset < stream.size(); ++i) {
    const size_t piece = 1 + (i < cuts.size() ? cuts[i] : 64);
    const size_t n = std::min(piece, stream.size() - offset);
    RC_ASSERT(decoder.Feed(std::span<const uint8_t>(stream.data() + offset, n)).ok());
    offset += n;
    for (auto next = decoder.Next(); next.ok() && next->has_value(); next = decoder.Next()) {
      received.push_back((*next)->message);
    }
  }
  RC_ASSERT(received == messages);
}

RC_GTEST_PROP(CodecProps, ArbitraryBytesNeverCrashAndErrorsAreExplained,
              (const std::vector<uint8_t>& bytes)) {
  auto decoded = DecodeEnvelope(bytes);
  if (!decoded.ok()) RC_ASSERT(!decoded.status().message().empty());
  FrameDecoder decoder;
  Status fed = decoder.Feed(bytes);
  if (fed.ok()) {
    auto next = decoder.Next();
    if (!next.ok()) RC_ASSERT(!next.status().message().empty());
  } else {
    RC_ASSERT(!fed.message().empty());
  }
}

}  // namespace
}  // namespace lashup::wire
