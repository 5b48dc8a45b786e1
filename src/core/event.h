// Event: what a core reports to the application (through the driver), as plain structs in a
// variant. Later components add their own (views changed, member added, tree changed, key
// changed); the driver delivers them after the step's persistence, sends and timers.
#ifndef LASHUP_CORE_EVENT_H_
#define LASHUP_CORE_EVENT_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "lashup/crdt/value.h"
#include "lashup/types.h"

namespace lashup {

// A round trip to `peer` completed (test core, failure detector).
struct RttMeasured {
  NodeId peer;
  Duration rtt{0};
  friend bool operator==(const RttMeasured&, const RttMeasured&) = default;
};

// Membership (src/membership): this node's views changed.
struct ViewsChanged {
  std::vector<NodeId> active;
  std::vector<NodeId> passive;
  friend bool operator==(const ViewsChanged&, const ViewsChanged&) = default;
};

// Membership: the global table learned of a member, holds a newer record of it, or forgot it.
struct MemberAdded {
  NodeId node;
  friend bool operator==(const MemberAdded&, const MemberAdded&) = default;
};
struct MemberChanged {
  NodeId node;
  friend bool operator==(const MemberChanged&, const MemberChanged&) = default;
};
struct MemberRemoved {
  NodeId node;
  friend bool operator==(const MemberRemoved&, const MemberRemoved&) = default;
};

// Routing (src/routing): this node's shortest-path tree changed. Rate-limited, but the last
// state is always delivered. Sorted lists; `reachable` includes this node.
struct RoutesChanged {
  std::vector<NodeId> reachable;
  std::vector<NodeId> unreachable;
  // Since the previous RoutesChanged (the first one compares with "only this node").
  std::vector<NodeId> became_reachable;
  std::vector<NodeId> became_unreachable;
  friend bool operator==(const RoutesChanged&, const RoutesChanged&) = default;
};

// Multicast (src/routing): a message on a topic this node subscribes to, delivered once per
// (origin, incarnation, sequence).
struct McDelivered {
  NodeId origin;
  uint64_t incarnation = 0;
  uint64_t seq = 0;
  std::string topic;
  std::vector<uint8_t> payload;
  friend bool operator==(const McDelivered&, const McDelivered&) = default;
};

// KV store (src/kv): a key's value, for the subscriptions whose prefix matches it. A new
// subscription first gets one event per matching key with `snapshot` set; afterwards each change
// that alters the value comes once (local updates, deltas and anti-entropy alike). `value` is
// empty when the key has no fields left (deleted). `key` is the key's path.
struct KvChanged {
  std::vector<uint64_t> subscriptions;  // increasing
  std::vector<std::string> key;
  crdt::MapValue value;
  bool snapshot = false;
  // Compares values with crdt's operator== (link lashup_crdt to use it).
  friend bool operator==(const KvChanged&, const KvChanged&) = default;
};

using Event = std::variant<RttMeasured, ViewsChanged, MemberAdded, MemberChanged, MemberRemoved,
                           RoutesChanged, McDelivered, KvChanged>;

}  // namespace lashup

#endif  // LASHUP_CORE_EVENT_H_
