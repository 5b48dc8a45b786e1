#include "wire/message_codec.h"

#include <string>
#include <vector>

namespace lashup::wire::internal {
namespace {

capnp::Text::Reader AsText(const NodeId& id) {
  return capnp::Text::Reader(id.str().data(), id.str().size());
}

template <typename ListBuilder>
void WriteIds(ListBuilder list, const std::vector<NodeId>& ids) {
  for (unsigned i = 0; i < ids.size(); ++i) list.set(i, AsText(ids[i]));
}

unsigned Count(size_t n) { return static_cast<unsigned>(n); }

capnp::Data::Reader AsData(const std::string& bytes) {
  return capnp::Data::Reader(reinterpret_cast<const capnp::byte*>(bytes.data()), bytes.size());
}

template <typename ListBuilder, typename T>
void WriteList(ListBuilder list, const std::vector<T>& values) {
  for (unsigned i = 0; i < values.size(); ++i) list.set(i, values[i]);
}

void WriteVersion(schema::GmVersion::Builder out, const GmVersion& version) {
  out.setEpoch(version.epoch);
  out.setCounter(version.counter);
}

struct BodyWriter {
  schema::Envelope::Body::Builder body;

  void operator()(const HvJoin&) { body.initHvJoin(); }
  void operator()(const HvJoinReply& m) {
    auto out = body.initHvJoinReply();
    out.setAccepted(m.accepted);
    WriteIds(out.initNodes(Count(m.nodes.size())), m.nodes);
  }
  void operator()(const HvForwardJoin& m) {
    auto out = body.initHvForwardJoin();
    out.setJoiner(AsText(m.joiner));
    out.setTtl(m.ttl);
    WriteIds(out.initWalked(Count(m.walked.size())), m.walked);
  }
  void operator()(const HvNeighbor& m) { body.initHvNeighbor().setHighPriority(m.high_priority); }
  void operator()(const HvNeighborReply& m) {
    auto out = body.initHvNeighborReply();
    out.setAccepted(m.accepted);
    WriteIds(out.initPassive(Count(m.passive.size())), m.passive);
  }
  void operator()(const HvDisconnect&) { body.initHvDisconnect(); }
  void operator()(const HvShuffle& m) {
    auto out = body.initHvShuffle();
    out.setOrigin(AsText(m.origin));
    out.setTtl(m.ttl);
    WriteIds(out.initNodes(Count(m.nodes.size())), m.nodes);
  }
  void operator()(const HvShuffleReply& m) {
    WriteIds(body.initHvShuffleReply().initNodes(Count(m.nodes.size())), m.nodes);
  }
  void operator()(const FdPing& m) { body.initFdPing().setSeq(m.seq); }
  void operator()(const FdAck& m) { body.initFdAck().setSeq(m.seq); }
  void operator()(const FdProbeRequest& m) {
    auto out = body.initFdProbeRequest();
    out.setTarget(AsText(m.target));
    out.setSeq(m.seq);
    out.setWaitMs(m.wait_ms);
  }
  void operator()(const FdProbeResult& m) {
    auto out = body.initFdProbeResult();
    out.setTarget(AsText(m.target));
    out.setSeq(m.seq);
    out.setAlive(m.alive);
  }
  void operator()(const GmUpdate& m) {
    auto records = body.initGmUpdate().initRecords(Count(m.records.size()));
    for (unsigned i = 0; i < m.records.size(); ++i) {
      const GmRecord& record = m.records[i];
      auto out = records[i];
      out.setNode(AsText(record.node));
      WriteVersion(out.initVersion(), record.version);
      auto links = out.initLinks(Count(record.links.size()));
      for (unsigned j = 0; j < record.links.size(); ++j) {
        links[j].setPeer(AsText(record.links[j].peer));
        links[j].setRttUs(record.links[j].rtt_us);
        links[j].setHeld(record.links[j].held);
      }
    }
  }
  void operator()(const GmDigest& m) {
    auto entries = body.initGmDigest().initEntries(Count(m.entries.size()));
    for (unsigned i = 0; i < m.entries.size(); ++i) {
      entries[i].setNode(AsText(m.entries[i].node));
      WriteVersion(entries[i].initVersion(), m.entries[i].version);
    }
  }

  void operator()(const McPacket& m) {
    auto out = body.initMcPacket();
    out.setOrigin(AsText(m.origin));
    out.setIncarnation(m.incarnation);
    out.setSeq(m.seq);
    out.setTopic(capnp::Text::Reader(m.topic.data(), m.topic.size()));
    out.setTtl(m.ttl);
    out.setRoot(AsText(m.root));
    out.setHopSeq(m.hop_seq);
    out.setPayload(capnp::Data::Reader(m.payload.data(), m.payload.size()));
  }
  void operator()(const McAck& m) {
    auto seqs = body.initMcAck().initHopSeqs(Count(m.hop_seqs.size()));
    for (unsigned i = 0; i < m.hop_seqs.size(); ++i) seqs.set(i, m.hop_seqs[i]);
  }

  void operator()(const KvAeTree& m) {
    auto out = body.initKvAeTree();
    out.setSession(m.session);
    out.setLevel(m.level);
    WriteList(out.initNodes(Count(m.nodes.size())), m.nodes);
    WriteList(out.initHashes(Count(m.hashes.size())), m.hashes);
  }
  void operator()(const KvAeKeys& m) {
    auto out = body.initKvAeKeys();
    out.setSession(m.session);
    WriteList(out.initBuckets(Count(m.buckets.size())), m.buckets);
    WriteList(out.initKeyHashes(Count(m.key_hashes.size())), m.key_hashes);
    WriteList(out.initStateHashes(Count(m.state_hashes.size())), m.state_hashes);
    out.setTruncated(m.truncated);
  }
  void operator()(const KvAeStates& m) {
    auto out = body.initKvAeStates();
    out.setSession(m.session);
    auto keys = out.initKeys(Count(m.keys.size()));
    for (unsigned i = 0; i < m.keys.size(); ++i) keys.set(i, AsData(m.keys[i]));
    auto states = out.initStates(Count(m.states.size()));
    for (unsigned i = 0; i < m.states.size(); ++i) states.set(i, AsData(m.states[i]));
    WriteList(out.initWant(Count(m.want.size())), m.want);
    out.setLast(m.last);
    out.setAnswer(m.answer);
    out.setMore(m.more);
  }

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

template <typename ListReader>
Result<std::vector<NodeId>> ReadIds(ListReader list, const char* what) {
  std::vector<NodeId> out;
  out.reserve(list.size());
  for (auto text : list) {
    LASHUP_ASSIGN_OR_RETURN(NodeId id, ReadNodeId(text, what));
    out.push_back(std::move(id));
  }
  return out;
}

GmVersion ReadVersion(schema::GmVersion::Reader in) { return {in.getEpoch(), in.getCounter()}; }

Result<Message> ReadJoinReply(schema::HvJoinReply::Reader in) {
  HvJoinReply out{in.getAccepted(), {}};
  LASHUP_ASSIGN_OR_RETURN(out.nodes, ReadIds(in.getNodes(), "hv_join_reply.nodes"));
  return Message(std::move(out));
}

Result<Message> ReadForwardJoin(schema::HvForwardJoin::Reader in) {
  HvForwardJoin out;
  LASHUP_ASSIGN_OR_RETURN(out.joiner, ReadNodeId(in.getJoiner(), "hv_forward_join.joiner"));
  out.ttl = in.getTtl();
  LASHUP_ASSIGN_OR_RETURN(out.walked, ReadIds(in.getWalked(), "hv_forward_join.walked"));
  return Message(std::move(out));
}

Result<Message> ReadNeighborReply(schema::HvNeighborReply::Reader in) {
  HvNeighborReply out{in.getAccepted(), {}};
  LASHUP_ASSIGN_OR_RETURN(out.passive, ReadIds(in.getPassive(), "hv_neighbor_reply.passive"));
  return Message(std::move(out));
}

Result<Message> ReadShuffle(schema::HvShuffle::Reader in) {
  HvShuffle out;
  LASHUP_ASSIGN_OR_RETURN(out.origin, ReadNodeId(in.getOrigin(), "hv_shuffle.origin"));
  out.ttl = in.getTtl();
  LASHUP_ASSIGN_OR_RETURN(out.nodes, ReadIds(in.getNodes(), "hv_shuffle.nodes"));
  return Message(std::move(out));
}

Result<Message> ReadShuffleReply(schema::HvShuffleReply::Reader in) {
  HvShuffleReply out;
  LASHUP_ASSIGN_OR_RETURN(out.nodes, ReadIds(in.getNodes(), "hv_shuffle_reply.nodes"));
  return Message(std::move(out));
}

Result<Message> ReadProbeRequest(schema::FdProbeRequest::Reader in) {
  FdProbeRequest out;
  LASHUP_ASSIGN_OR_RETURN(out.target, ReadNodeId(in.getTarget(), "fd_probe_request.target"));
  out.seq = in.getSeq();
  out.wait_ms = in.getWaitMs();
  return Message(std::move(out));
}

Result<Message> ReadProbeResult(schema::FdProbeResult::Reader in) {
  FdProbeResult out;
  LASHUP_ASSIGN_OR_RETURN(out.target, ReadNodeId(in.getTarget(), "fd_probe_result.target"));
  out.seq = in.getSeq();
  out.alive = in.getAlive();
  return Message(std::move(out));
}

Result<GmRecord> ReadRecord(schema::GmRecord::Reader in) {
  GmRecord out;
  LASHUP_ASSIGN_OR_RETURN(out.node, ReadNodeId(in.getNode(), "gm_update.records.node"));
  out.version = ReadVersion(in.getVersion());
  out.links.reserve(in.getLinks().size());
  for (auto link : in.getLinks()) {
    LASHUP_ASSIGN_OR_RETURN(NodeId peer, ReadNodeId(link.getPeer(), "gm_update.records.links"));
    out.links.push_back({std::move(peer), link.getRttUs(), link.getHeld()});
  }
  return out;
}

Result<Message> ReadGmUpdate(schema::GmUpdate::Reader in) {
  GmUpdate out;
  out.records.reserve(in.getRecords().size());
  for (auto record : in.getRecords()) {
    LASHUP_ASSIGN_OR_RETURN(GmRecord read, ReadRecord(record));
    out.records.push_back(std::move(read));
  }
  return Message(std::move(out));
}

Result<Message> ReadGmDigest(schema::GmDigest::Reader in) {
  GmDigest out;
  out.entries.reserve(in.getEntries().size());
  for (auto entry : in.getEntries()) {
    LASHUP_ASSIGN_OR_RETURN(NodeId node, ReadNodeId(entry.getNode(), "gm_digest.entries.node"));
    out.entries.push_back({std::move(node), ReadVersion(entry.getVersion())});
  }
  return Message(std::move(out));
}

Result<Message> ReadMcPacket(schema::McPacket::Reader in) {
  McPacket out;
  LASHUP_ASSIGN_OR_RETURN(out.origin, ReadNodeId(in.getOrigin(), "mc_packet.origin"));
  LASHUP_ASSIGN_OR_RETURN(out.root, ReadNodeId(in.getRoot(), "mc_packet.root"));
  auto topic = in.getTopic();
  if (topic.size() == 0 || topic.size() > kMaxMcTopicBytes) {
    return InvalidArgumentError("mc_packet.topic: " + std::to_string(topic.size()) +
                                " bytes, want 1.." + std::to_string(kMaxMcTopicBytes));
  }
  out.topic.assign(topic.begin(), topic.size());
  out.incarnation = in.getIncarnation();
  out.seq = in.getSeq();
  out.ttl = in.getTtl();
  out.hop_seq = in.getHopSeq();
  auto payload = in.getPayload();
  out.payload.assign(payload.begin(), payload.end());
  return Message(std::move(out));
}

Result<Message> ReadMcAck(schema::McAck::Reader in) {
  McAck out;
  out.hop_seqs.reserve(in.getHopSeqs().size());
  for (uint64_t seq : in.getHopSeqs()) out.hop_seqs.push_back(seq);
  return Message(std::move(out));
}

template <typename T, typename ListReader>
std::vector<T> ReadList(ListReader in) {
  std::vector<T> out;
  out.reserve(in.size());
  for (auto value : in) out.push_back(value);
  return out;
}

Status CheckParallel(size_t a, size_t b, std::string_view what) {
  if (a == b) return Status::Ok();
  return InvalidArgumentError(std::string(what) + ": parallel lists of " + std::to_string(a) +
                              " and " + std::to_string(b) + " entries");
}

Result<Message> ReadKvAeTree(schema::KvAeTree::Reader in) {
  KvAeTree out;
  out.session = in.getSession();
  out.level = in.getLevel();
  out.nodes = ReadList<uint32_t>(in.getNodes());
  out.hashes = ReadList<uint64_t>(in.getHashes());
  LASHUP_RETURN_IF_ERROR(CheckParallel(out.nodes.size(), out.hashes.size(), "kv_ae_tree"));
  return Message(std::move(out));
}

Result<Message> ReadKvAeKeys(schema::KvAeKeys::Reader in) {
  KvAeKeys out;
  out.session = in.getSession();
  out.buckets = ReadList<uint32_t>(in.getBuckets());
  out.key_hashes = ReadList<uint64_t>(in.getKeyHashes());
  out.state_hashes = ReadList<uint64_t>(in.getStateHashes());
  out.truncated = in.getTruncated();
  LASHUP_RETURN_IF_ERROR(
      CheckParallel(out.key_hashes.size(), out.state_hashes.size(), "kv_ae_keys"));
  return Message(std::move(out));
}

Result<Message> ReadKvAeStates(schema::KvAeStates::Reader in) {
  KvAeStates out;
  out.session = in.getSession();
  out.keys.reserve(in.getKeys().size());
  for (auto key : in.getKeys()) out.keys.emplace_back(key.begin(), key.end());
  out.states.reserve(in.getStates().size());
  for (auto state : in.getStates()) out.states.emplace_back(state.begin(), state.end());
  out.want = ReadList<uint64_t>(in.getWant());
  out.last = in.getLast();
  out.answer = in.getAnswer();
  out.more = in.getMore();
  LASHUP_RETURN_IF_ERROR(CheckParallel(out.keys.size(), out.states.size(), "kv_ae_states"));
  return Message(std::move(out));
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
    case schema::Envelope::Body::HV_JOIN:
      return Message(HvJoin{});
    case schema::Envelope::Body::HV_JOIN_REPLY:
      return ReadJoinReply(body.getHvJoinReply());
    case schema::Envelope::Body::HV_FORWARD_JOIN:
      return ReadForwardJoin(body.getHvForwardJoin());
    case schema::Envelope::Body::HV_NEIGHBOR:
      return Message(HvNeighbor{body.getHvNeighbor().getHighPriority()});
    case schema::Envelope::Body::HV_NEIGHBOR_REPLY:
      return ReadNeighborReply(body.getHvNeighborReply());
    case schema::Envelope::Body::HV_DISCONNECT:
      return Message(HvDisconnect{});
    case schema::Envelope::Body::HV_SHUFFLE:
      return ReadShuffle(body.getHvShuffle());
    case schema::Envelope::Body::HV_SHUFFLE_REPLY:
      return ReadShuffleReply(body.getHvShuffleReply());
    case schema::Envelope::Body::FD_PING:
      return Message(FdPing{body.getFdPing().getSeq()});
    case schema::Envelope::Body::FD_ACK:
      return Message(FdAck{body.getFdAck().getSeq()});
    case schema::Envelope::Body::FD_PROBE_REQUEST:
      return ReadProbeRequest(body.getFdProbeRequest());
    case schema::Envelope::Body::FD_PROBE_RESULT:
      return ReadProbeResult(body.getFdProbeResult());
    case schema::Envelope::Body::GM_UPDATE:
      return ReadGmUpdate(body.getGmUpdate());
    case schema::Envelope::Body::GM_DIGEST:
      return ReadGmDigest(body.getGmDigest());
    case schema::Envelope::Body::MC_PACKET:
      return ReadMcPacket(body.getMcPacket());
    case schema::Envelope::Body::MC_ACK:
      return ReadMcAck(body.getMcAck());
    case schema::Envelope::Body::KV_AE_TREE:
      return ReadKvAeTree(body.getKvAeTree());
    case schema::Envelope::Body::KV_AE_KEYS:
      return ReadKvAeKeys(body.getKvAeKeys());
    case schema::Envelope::Body::KV_AE_STATES:
      return ReadKvAeStates(body.getKvAeStates());
  }
  return UnimplementedError("unknown message kind " +
                            std::to_string(static_cast<unsigned>(body.which())) +
                            " (sent by a newer peer?)");
}

}  // namespace lashup::wire::internal
