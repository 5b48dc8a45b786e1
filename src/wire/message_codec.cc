#include "wire/message_codec.h"

#include <string>

namespace lashup::wire::internal {
namespace {

struct BodyWriter {
  schema::Envelope::Body::Builder body;

  void operator()(const Ping& m) {
    auto out = body.initPing();
    out.setNonce(m.nonce);
    out.setSentAtNs(m.sent_at_ns);
  }
  void operator()(const Pong& m) {
    auto out = body.initPong();
    out.setNonce(m.nonce);
    out.setEchoedSentAtNs(m.echoed_sent_at_ns);
  }
  void operator()(const TestData& m) {
    auto out = body.initTestData();
    out.setLabel(capnp::Text::Reader(m.label.data(), m.label.size()));
    out.setPayload(capnp::Data::Reader(m.payload.data(), m.payload.size()));
    auto nodes = out.initNodes(static_cast<unsigned>(m.nodes.size()));
    for (unsigned i = 0; i < m.nodes.size(); ++i) {
      nodes.set(i, capnp::Text::Reader(m.nodes[i].str().data(), m.nodes[i].str().size()));
    }
  }
};

Result<NodeId> ReadNodeId(capnp::Text::Reader text, const char* what) {
  Result<NodeId> id = NodeId::Parse(std::string_view(text.begin(), text.size()));
  if (!id.ok()) return id.status().WithContext(what);
  return id;
}

Result<Message> ReadTestData(schema::TestData::Reader in) {
  TestData out;
  auto label = in.getLabel();
  out.label.assign(label.begin(), label.size());
  auto payload = in.getPayload();
  out.payload.assign(payload.begin(), payload.end());
  auto nodes = in.getNodes();
  out.nodes.reserve(nodes.size());
  for (auto node : nodes) {
    LASHUP_ASSIGN_OR_RETURN(NodeId id, ReadNodeId(node, "test_data.nodes"));
    out.nodes.push_back(std::move(id));
  }
  return Message(std::move(out));
}

}  // namespace

void WriteBody(const Message& message, schema::Envelope::Body::Builder body) {
  std::visit(BodyWriter{body}, message);
}

Result<Message> ReadBody(schema::Envelope::Body::Reader body) {
  switch (body.which()) {
    case schema::Envelope::Body::PING: {
      auto in = body.getPing();
      return Message(Ping{in.getNonce(), in.getSentAtNs()});
    }
    case schema::Envelope::Body::PONG: {
      auto in = body.getPong();
      return Message(Pong{in.getNonce(), in.getEchoedSentAtNs()});
    }
    case schema::Envelope::Body::TEST_DATA:
      return ReadTestData(body.getTestData());
  }
  return UnimplementedError("unknown message kind " +
                            std::to_string(static_cast<unsigned>(body.which())) +
                            " (sent by a newer peer?)");
}

}  // namespace lashup::wire::internal
