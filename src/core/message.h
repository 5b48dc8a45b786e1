// Message: every protocol message as a plain C++ struct in one std::variant.
//
// Protocol cores build and consume these structs only; Cap'n Proto lives in src/wire, which maps
// each alternative to a branch of the envelope's union (src/wire/lashup.capnp). Adding a message
// means: a struct here, an alternative in `Message`, a union branch in the schema and its two
// codec functions in src/wire/message_codec.cc. Structs are compared with == in tests and
// property checks, so each defaults its comparison.
#ifndef LASHUP_CORE_MESSAGE_H_
#define LASHUP_CORE_MESSAGE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/kv_messages.h"
#include "core/membership_messages.h"
#include "core/multicast_messages.h"
#include "lashup/types.h"

namespace lashup {

// Liveness probe used by the test core and the simulator benchmarks; the failure detector will
// bring its own. `sent_at_ns` is the sender's monotonic clock, echoed back to measure RTT.
struct Ping {
  uint64_t nonce = 0;
  int64_t sent_at_ns = 0;
  friend bool operator==(const Ping&, const Ping&) = default;
};

struct Pong {
  uint64_t nonce = 0;
  int64_t echoed_sent_at_ns = 0;
  friend bool operator==(const Pong&, const Pong&) = default;
};

// Opaque payload with a list of nodes: exercises variable-size fields (text, data, lists) in the
// codec and the simulator until the real protocols arrive.
struct TestData {
  std::string label;
  std::vector<uint8_t> payload;
  std::vector<NodeId> nodes;
  friend bool operator==(const TestData&, const TestData&) = default;
};

using Message =
    std::variant<Ping, Pong, TestData, HvJoin, HvJoinReply, HvForwardJoin, HvNeighbor,
                 HvNeighborReply, HvDisconnect, HvShuffle, HvShuffleReply, FdPing, FdAck,
                 FdProbeRequest, FdProbeResult, GmUpdate, GmDigest, McPacket, McAck, KvAeTree, KvAeKeys,
                 KvAeStates>;

// Stable, human-readable name of the message's alternative ("ping", "pong", ...), for logs,
// metrics and traces.
std::string_view MessageKind(const Message& message);

}  // namespace lashup

#endif  // LASHUP_CORE_MESSAGE_H_
