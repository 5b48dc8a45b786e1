// Event: what a core reports to the application (through the driver), as plain structs in a
// variant. Later components add their own (views changed, member added, tree changed, key
// changed); the driver delivers them after the step's persistence, sends and timers.
#ifndef LASHUP_CORE_EVENT_H_
#define LASHUP_CORE_EVENT_H_

#include <variant>

#include "lashup/types.h"

namespace lashup {

// A round trip to `peer` completed (test core, failure detector).
struct RttMeasured {
  NodeId peer;
  Duration rtt{0};
  friend bool operator==(const RttMeasured&, const RttMeasured&) = default;
};

using Event = std::variant<RttMeasured>;

}  // namespace lashup

#endif  // LASHUP_CORE_EVENT_H_
