#include "wire/handshake.h"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <string>

#include "wire/flat_reader.h"
#include "wire/lashup.capnp.h"

namespace lashup::wire {
namespace {

capnp::Text::Reader TextOf(std::string_view s) { return capnp::Text::Reader(s.data(), s.size()); }

schema::Verdict ToSchema(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAccept:
      return schema::Verdict::ACCEPT;
    case Verdict::kDuplicate:
      return schema::Verdict::DUPLICATE;
    case Verdict::kRefused:
      break;
  }
  return schema::Verdict::REFUSED;
}

Result<Verdict> FromSchema(schema::Verdict verdict) {
  switch (verdict) {
    case schema::Verdict::ACCEPT:
      return Verdict::kAccept;
    case schema::Verdict::DUPLICATE:
      return Verdict::kDuplicate;
    case schema::Verdict::REFUSED:
      return Verdict::kRefused;
  }
  return InvalidArgumentError("unknown handshake verdict " +
                              std::to_string(static_cast<unsigned>(verdict)));
}

Result<Handshake> ReadHandshake(capnp::FlatArrayMessageReader& reader) {
  auto root = reader.getRoot<schema::Handshake>();
  if (root.getVersion() != kProtocolVersion) {
    return FailedPreconditionError("unsupported protocol version " +
                                   std::to_string(root.getVersion()) + " (this node speaks " +
                                   std::to_string(kProtocolVersion) + ")");
  }
  auto text = root.getNodeId();
  Result<NodeId> node = NodeId::Parse(std::string_view(text.begin(), text.size()));
  if (!node.ok()) return node.status().WithContext("handshake node id");
  switch (root.which()) {
    case schema::Handshake::HELLO: {
      auto hello = root.getHello();
      return Handshake(Hello{std::move(node).value(), root.getIncarnation(), hello.getLongLived(),
                             hello.getLinkId(), hello.getLastLinkId()});
    }
    case schema::Handshake::REPLY: {
      auto reply = root.getReply();
      LASHUP_ASSIGN_OR_RETURN(Verdict verdict, FromSchema(reply.getVerdict()));
      auto reason = reply.getReason();
      if (reason.size() > kMaxReasonBytes) {
        return InvalidArgumentError("handshake reason of " + std::to_string(reason.size()) +
                                    " bytes is too long");
      }
      return Handshake(HelloReply{std::move(node).value(), root.getIncarnation(), verdict,
                                  std::string(reason.begin(), reason.size())});
    }
  }
  return InvalidArgumentError("unknown handshake kind");
}

}  // namespace

std::vector<uint8_t> EncodeHandshakeFrame(const Handshake& handshake) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<schema::Handshake>();
  root.setVersion(kProtocolVersion);
  if (const auto* hello = std::get_if<Hello>(&handshake)) {
    root.setNodeId(TextOf(hello->node.str()));
    root.setIncarnation(hello->incarnation);
    auto out = root.initHello();
    out.setLongLived(hello->long_lived);
    out.setLinkId(hello->link_id);
    out.setLastLinkId(hello->last_link_id);
  } else {
    const auto& reply = std::get<HelloReply>(handshake);
    root.setNodeId(TextOf(reply.node.str()));
    root.setIncarnation(reply.incarnation);
    auto out = root.initReply();
    out.setVerdict(ToSchema(reply.verdict));
    std::string_view reason = reply.reason;
    out.setReason(TextOf(reason.substr(0, kMaxReasonBytes)));
  }
  kj::Array<capnp::word> words = capnp::messageToFlatArray(builder);
  const auto bytes = words.asBytes();
  return FramePayload(std::span<const uint8_t>(bytes.begin(), bytes.size()));
}

Result<Handshake> DecodeHandshake(std::span<const uint8_t> payload, const CodecLimits& limits) {
  return internal::ReadFlat<Handshake>(
      payload, limits, [](capnp::FlatArrayMessageReader& r) { return ReadHandshake(r); });
}

}  // namespace lashup::wire
