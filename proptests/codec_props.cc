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
struct Arbitrary<lashup::GmVersion> {
  static Gen<lashup::GmVersion> arbitrary() {
    return gen::build<lashup::GmVersion>(gen::set(&lashup::GmVersion::epoch),
                                         gen::set(&lashup::GmVersion::counter));
  }
};

template <>
struct Arbitrary<lashup::GmLink> {
  static Gen<lashup::GmLink> arbitrary() {
    return gen::build<lashup::GmLink>(gen::set(&lashup::GmLink::peer),
                                      gen::set(&lashup::GmLink::rtt_us),
                                      gen::set(&lashup::GmLink::held));
  }
};

template <>
struct Arbitrary<lashup::GmRecord> {
  static Gen<lashup::GmRecord> arbitrary() {
    return gen::build<lashup::GmRecord>(gen::set(&lashup::GmRecord::node),
                                        gen::set(&lashup::GmRecord::version),
                                        gen::set(&lashup::GmRecord::links));
  }
};

template <>
struct Arbitrary<lashup::GmDigestEntry> {
  static Gen<lashup::GmDigestEntry> arbitrary() {
    return gen::build<lashup::GmDigestEntry>(gen::set(&lashup::GmDigestEntry::node),
                                             gen::set(&lashup::GmDigestEntry::version));
  }
};

// The membership messages (src/core/membership_messages.h).
inline Gen<lashup::Message> MembershipMessage() {
  using namespace lashup;  // NOLINT: a long list of message types
  return gen::oneOf(
      gen::construct<Message>(gen::just(HvJoin{})),
      gen::construct<Message>(gen::build<HvJoinReply>(gen::set(&HvJoinReply::accepted),
                                                      gen::set(&HvJoinReply::nodes))),
      gen::construct<Message>(gen::build<HvForwardJoin>(gen::set(&HvForwardJoin::joiner),
                                                        gen::set(&HvForwardJoin::ttl),
                                                        gen::set(&HvForwardJoin::walked))),
      gen::construct<Message>(gen::build<HvNeighbor>(gen::set(&HvNeighbor::high_priority))),
      gen::construct<Message>(gen::build<HvNeighborReply>(gen::set(&HvNeighborReply::accepted),
                                                          gen::set(&HvNeighborReply::passive))),
      gen::construct<Message>(gen::just(HvDisconnect{})),
      gen::construct<Message>(gen::build<HvShuffle>(gen::set(&HvShuffle::origin),
                                                    gen::set(&HvShuffle::ttl),
                                                    gen::set(&HvShuffle::nodes))),
      gen::construct<Message>(gen::build<HvShuffleReply>(gen::set(&HvShuffleReply::nodes))),
      gen::construct<Message>(gen::build<FdPing>(gen::set(&FdPing::seq))),
      gen::construct<Message>(gen::build<FdAck>(gen::set(&FdAck::seq))),
      gen::construct<Message>(gen::build<FdProbeRequest>(gen::set(&FdProbeRequest::target),
                                                         gen::set(&FdProbeRequest::seq),
                                                         gen::set(&FdProbeRequest::wait_ms))),
      gen::construct<Message>(gen::build<FdProbeResult>(gen::set(&FdProbeResult::target),
                                                        gen::set(&FdProbeResult::seq),
                                                        gen::set(&FdProbeResult::alive))),
      gen::construct<Message>(gen::build<GmUpdate>(gen::set(&GmUpdate::records))),
      gen::construct<Message>(gen::build<GmDigest>(gen::set(&GmDigest::entries))));
}

Gen<lashup::Message> MulticastMessage() {
  using namespace lashup;
  // Topics are 1..kMaxMcTopicBytes bytes; the codec refuses others (see the hostile tests).
  const auto topic = gen::suchThat(gen::arbitrary<std::string>(), [](const std::string& t) {
    return !t.empty() && t.size() <= kMaxMcTopicBytes;
  });
  return gen::oneOf(
      gen::construct<Message>(gen::build<McPacket>(
          gen::set(&McPacket::origin), gen::set(&McPacket::incarnation), gen::set(&McPacket::seq),
          gen::set(&McPacket::topic, topic), gen::set(&McPacket::ttl), gen::set(&McPacket::root),
          gen::set(&McPacket::hop_seq), gen::set(&McPacket::payload))),
      gen::construct<Message>(gen::build<McAck>(gen::set(&McAck::hop_seqs))));
}

// Parallel lists come in equal lengths (the codec refuses others).
Gen<lashup::Message> KvMessage() {
  using namespace lashup;
  const auto tree = gen::mapcat(gen::inRange<size_t>(0, 20), [](size_t n) {
    return gen::build<KvAeTree>(
        gen::set(&KvAeTree::session), gen::set(&KvAeTree::level),
        gen::set(&KvAeTree::nodes, gen::container<std::vector<uint32_t>>(n, gen::arbitrary<uint32_t>())),
        gen::set(&KvAeTree::hashes, gen::container<std::vector<uint64_t>>(n, gen::arbitrary<uint64_t>())));
  });
  const auto keys = gen::mapcat(gen::inRange<size_t>(0, 20), [](size_t n) {
    return gen::build<KvAeKeys>(
        gen::set(&KvAeKeys::session), gen::set(&KvAeKeys::buckets),
        gen::set(&KvAeKeys::key_hashes, gen::container<std::vector<uint64_t>>(n, gen::arbitrary<uint64_t>())),
        gen::set(&KvAeKeys::state_hashes, gen::container<std::vector<uint64_t>>(n, gen::arbitrary<uint64_t>())),
        gen::set(&KvAeKeys::truncated));
  });
  const auto states = gen::mapcat(gen::inRange<size_t>(0, 8), [](size_t n) {
    return gen::build<KvAeStates>(
        gen::set(&KvAeStates::session),
        gen::set(&KvAeStates::keys, gen::container<std::vector<std::string>>(n, gen::arbitrary<std::string>())),
        gen::set(&KvAeStates::states, gen::container<std::vector<std::string>>(n, gen::arbitrary<std::string>())),
        gen::set(&KvAeStates::want), gen::set(&KvAeStates::last),
        gen::set(&KvAeStates::answer), gen::set(&KvAeStates::more));
  });
  return gen::oneOf(gen::construct<Message>(tree), gen::construct<Message>(keys),
                    gen::construct<Message>(states));
}

template <>
struct Arbitrary<lashup::Message> {
  static Gen<lashup::Message> arbitrary() {
    using lashup::Message;
    return gen::oneOf(
        MembershipMessage(), MulticastMessage(), KvMessage(),
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
