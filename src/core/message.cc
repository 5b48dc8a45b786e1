#include "core/message.h"

namespace lashup {
namespace {

struct KindName {
  std::string_view operator()(const Ping&) const { return "ping"; }
  std::string_view operator()(const Pong&) const { return "pong"; }
  std::string_view operator()(const TestData&) const { return "test_data"; }
  std::string_view operator()(const HvJoin&) const { return "hv_join"; }
  std::string_view operator()(const HvJoinReply&) const { return "hv_join_reply"; }
  std::string_view operator()(const HvForwardJoin&) const { return "hv_forward_join"; }
  std::string_view operator()(const HvNeighbor&) const { return "hv_neighbor"; }
  std::string_view operator()(const HvNeighborReply&) const { return "hv_neighbor_reply"; }
  std::string_view operator()(const HvDisconnect&) const { return "hv_disconnect"; }
  std::string_view operator()(const HvShuffle&) const { return "hv_shuffle"; }
  std::string_view operator()(const HvShuffleReply&) const { return "hv_shuffle_reply"; }
  std::string_view operator()(const FdPing&) const { return "fd_ping"; }
  std::string_view operator()(const FdAck&) const { return "fd_ack"; }
  std::string_view operator()(const FdProbeRequest&) const { return "fd_probe_request"; }
  std::string_view operator()(const FdProbeResult&) const { return "fd_probe_result"; }
  std::string_view operator()(const GmUpdate&) const { return "gm_update"; }
  std::string_view operator()(const GmDigest&) const { return "gm_digest"; }
  std::string_view operator()(const McPacket&) const { return "mc_packet"; }
  std::string_view operator()(const McAck&) const { return "mc_ack"; }
  std::string_view operator()(const KvAeTree&) const { return "kv_ae_tree"; }
  std::string_view operator()(const KvAeKeys&) const { return "kv_ae_keys"; }
  std::string_view operator()(const KvAeStates&) const { return "kv_ae_states"; }
};

}  // namespace

std::string_view MessageKind(const Message& message) { return std::visit(KindName{}, message); }

}  // namespace lashup
