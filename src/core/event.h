// Event: what a core reports to the application (through the driver), as plain structs in a
// variant. Later components add their own (views changed, member added, tree changed, key
// changed); the driver delivers them after the step's persistence, sends and timers.
#ifndef LASHUP_CORE_EVENT_H_
#define LASHUP_CORE_EVENT_H_

#include <variant>
#include <vector>

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

using Event = std::variant<RttMeasured, ViewsChanged, MemberAdded, MemberChanged, MemberRemoved>;

}  // namespace lashup

#endif  // LASHUP_CORE_EVENT_H_
