// The multicast protocol's messages (src/routing/multicast.h): a packet that travels down a
// shortest-path tree, and the per-hop acknowledgement that lets each parent retransmit to a
// child that missed it. Plain structs, alternatives of `Message`; their wire form is in
// src/wire/lashup.capnp and docs/routing.md says when each is sent.
#ifndef LASHUP_CORE_MULTICAST_MESSAGES_H_
#define LASHUP_CORE_MULTICAST_MESSAGES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lashup/types.h"

namespace lashup {

// A topic is 1..kMaxMcTopicBytes bytes; the codec refuses others.
inline constexpr size_t kMaxMcTopicBytes = 128;

// One copy of a multicast message. (origin, incarnation, seq) names the message: `incarnation`
// grows with every start of the origin, `seq` within one. `root` names the tree this copy
// follows (the origin's, or an extra tree rooted at one of its neighbours); each receiver
// forwards it to its own children in `root`'s tree, computed from its own graph, with `ttl`
// one less. `hop_seq` numbers the copy on the link it crossed, for McAck (0: no ack wanted).
struct McPacket {
  NodeId origin;
  uint64_t incarnation = 0;
  uint64_t seq = 0;
  std::string topic;
  uint32_t ttl = 0;
  NodeId root;
  uint64_t hop_seq = 0;
  std::vector<uint8_t> payload;
  friend bool operator==(const McPacket&, const McPacket&) = default;
};

// The receiver got the copies with these hop numbers from the sender of the acknowledged link.
struct McAck {
  std::vector<uint64_t> hop_seqs;
  friend bool operator==(const McAck&, const McAck&) = default;
};

}  // namespace lashup

#endif  // LASHUP_CORE_MULTICAST_MESSAGES_H_
