// The membership protocol's messages (src/membership): HyParView overlay maintenance, the
// failure detector's probes, and the global membership gossip. Plain structs, one alternative
// each of `Message` (message.h); their wire form is in src/wire/lashup.capnp. docs/membership.md
// describes when each is sent.
#ifndef LASHUP_CORE_MEMBERSHIP_MESSAGES_H_
#define LASHUP_CORE_MEMBERSHIP_MESSAGES_H_

#include <cstdint>
#include <vector>

#include "lashup/types.h"

namespace lashup {

// ---- HyParView ----------------------------------------------------------------------------

// A node asks a contact node to let it into the overlay.
struct HvJoin {
  friend bool operator==(const HvJoin&, const HvJoin&) = default;
};

// The contact node's answer. Accepted: the link is made and `nodes` is a sample of the
// contact's passive view. Refused (throttled): `nodes` is the contact's active view, to try
// instead.
struct HvJoinReply {
  bool accepted = false;
  std::vector<NodeId> nodes;
  friend bool operator==(const HvJoinReply&, const HvJoinReply&) = default;
};

// A random walk announcing `joiner`; `ttl` counts the hops left. `walked` lists the nodes the
// walk has visited, so it does not go back.
struct HvForwardJoin {
  NodeId joiner;
  uint32_t ttl = 0;
  std::vector<NodeId> walked;
  friend bool operator==(const HvForwardJoin&, const HvForwardJoin&) = default;
};

// Asks the receiver to make the sender an active neighbour. A high-priority request (the
// sender has no active neighbour) is always accepted; a low-priority one only if there is room.
struct HvNeighbor {
  bool high_priority = false;
  friend bool operator==(const HvNeighbor&, const HvNeighbor&) = default;
};

// Accepted: the receiver is now an active neighbour. Refused: `passive` is a sample of the
// refuser's passive view, to widen the asker's.
struct HvNeighborReply {
  bool accepted = false;
  std::vector<NodeId> passive;
  friend bool operator==(const HvNeighborReply&, const HvNeighborReply&) = default;
};

// The sender dropped the receiver from its active view (it keeps it as a passive member).
struct HvDisconnect {
  friend bool operator==(const HvDisconnect&, const HvDisconnect&) = default;
};

// A random walk carrying a sample of `origin`'s views; its last hop answers `origin` with a
// sample of its own passive view and both merge what they got into their passive views.
struct HvShuffle {
  NodeId origin;
  uint32_t ttl = 0;
  std::vector<NodeId> nodes;
  friend bool operator==(const HvShuffle&, const HvShuffle&) = default;
};

struct HvShuffleReply {
  std::vector<NodeId> nodes;
  friend bool operator==(const HvShuffleReply&, const HvShuffleReply&) = default;
};

// ---- Failure detector ---------------------------------------------------------------------

// A probe of an active link, answered by FdAck with the same sequence number.
struct FdPing {
  uint64_t seq = 0;
  friend bool operator==(const FdPing&, const FdPing&) = default;
};

struct FdAck {
  uint64_t seq = 0;
  friend bool operator==(const FdAck&, const FdAck&) = default;
};

// Asks the receiver to probe `target` on the sender's behalf (SWIM's ping-req) and to answer
// within `wait_ms`, with a nack if the target stays silent that long.
struct FdProbeRequest {
  NodeId target;
  uint64_t seq = 0;
  uint32_t wait_ms = 0;
  friend bool operator==(const FdProbeRequest&, const FdProbeRequest&) = default;
};

// The answer to an FdProbeRequest: `alive` if the target answered the helper in time, else a
// nack (the helper itself is working, which Lifeguard uses to judge the asker's own health).
struct FdProbeResult {
  NodeId target;
  uint64_t seq = 0;
  bool alive = false;
  friend bool operator==(const FdProbeResult&, const FdProbeResult&) = default;
};

// ---- Global membership --------------------------------------------------------------------

// A member's version: the epoch is persisted and grows at every start; the counter grows with
// every change within an epoch. Ordered lexicographically.
struct GmVersion {
  uint64_t epoch = 0;
  uint64_t counter = 0;
  friend bool operator==(const GmVersion&, const GmVersion&) = default;
  friend auto operator<=>(const GmVersion&, const GmVersion&) = default;
};

// One edge of a member's adjacency: an active neighbour and the link's measured round trip.
// A held link is no longer open (it broke in an asymmetric cut) but its peer lives and has no
// new link yet: it counts for reachability, not as a path to forward over.
struct GmLink {
  NodeId peer;
  uint32_t rtt_us = 0;  // 0: not measured yet
  bool held = false;
  friend bool operator==(const GmLink&, const GmLink&) = default;
};

struct GmRecord {
  NodeId node;
  GmVersion version;
  std::vector<GmLink> links;  // sorted by peer
  friend bool operator==(const GmRecord&, const GmRecord&) = default;
};

// Records newer than what the receiver may hold: flooded on change, sent in answer to a digest.
struct GmUpdate {
  std::vector<GmRecord> records;
  friend bool operator==(const GmUpdate&, const GmUpdate&) = default;
};

// The versions the sender holds, sorted by node; sent when a link comes up. The receiver
// answers with a GmUpdate of every record it holds newer or the sender lacks.
struct GmDigestEntry {
  NodeId node;
  GmVersion version;
  friend bool operator==(const GmDigestEntry&, const GmDigestEntry&) = default;
};
struct GmDigest {
  std::vector<GmDigestEntry> entries;
  friend bool operator==(const GmDigest&, const GmDigest&) = default;
};

}  // namespace lashup

#endif  // LASHUP_CORE_MEMBERSHIP_MESSAGES_H_
