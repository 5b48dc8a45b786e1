// Basic value types shared by every part of lashup: node identity and the two clocks.
//
// Contract:
// - `NodeId` names a node in the cluster. It is a short printable string (1 to 64 bytes of
//   letters, digits and `._:@-[]`), such as "node-7" or "lb@10.0.0.7". Certificates name it, the
//   wire carries it, and ordered containers sort by it (byte order). Build one with
//   `NodeId::Parse`, which rejects anything else with kInvalidArgument.
// - `Instant` is node-local monotonic time and `WallTime` is calendar time. They have distinct
//   clock tags with no `now()`, so neither can be mixed with the other or with std::chrono's
//   clocks by accident, and protocol code cannot read a clock: a driver reads the clocks once per
//   event and passes both in as `Now`.
// All types here are plain values, safe to copy and to share between threads read-only.
#ifndef LASHUP_TYPES_H_
#define LASHUP_TYPES_H_

#include <chrono>
#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "lashup/status.h"

namespace lashup {

using Duration = std::chrono::nanoseconds;

// Clock tag for node-local monotonic time. Deliberately has no now().
struct MonotonicClock {
  using duration = Duration;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<MonotonicClock, Duration>;
  static constexpr bool is_steady = true;
};

// Clock tag for wall (calendar) time: nanoseconds since the Unix epoch. Has no now() either.
struct WallClock {
  using duration = Duration;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<WallClock, Duration>;
  static constexpr bool is_steady = false;
};

using Instant = MonotonicClock::time_point;
using WallTime = WallClock::time_point;

// Both clocks as read once by the driver for one step of a protocol core.
struct Now {
  Instant mono;
  WallTime wall;
};

// Nanoseconds since the clock's origin, for logs and the wire.
inline int64_t ToNanos(Instant t) { return t.time_since_epoch().count(); }
inline int64_t ToNanos(WallTime t) { return t.time_since_epoch().count(); }
inline Instant InstantFromNanos(int64_t ns) { return Instant(Duration(ns)); }
inline WallTime WallTimeFromNanos(int64_t ns) { return WallTime(Duration(ns)); }

class NodeId {
 public:
  static constexpr size_t kMaxLength = 64;

  // An empty, invalid id; only useful as a placeholder. valid() is false.
  NodeId() = default;

  // Validates `text` (1..kMaxLength bytes from [A-Za-z0-9._:@\-\[\]]).
  static Result<NodeId> Parse(std::string_view text);

  // For trusted literals in tests and tools: aborts on an invalid name.
  static NodeId FromLiteral(std::string_view text);

  bool valid() const { return !name_.empty(); }
  const std::string& str() const { return name_; }

  friend bool operator==(const NodeId&, const NodeId&) = default;
  friend std::strong_ordering operator<=>(const NodeId& a, const NodeId& b) {
    return a.name_.compare(b.name_) <=> 0;
  }

 private:
  explicit NodeId(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

std::ostream& operator<<(std::ostream& os, const NodeId& id);

}  // namespace lashup

template <>
struct std::hash<lashup::NodeId> {
  size_t operator()(const lashup::NodeId& id) const noexcept {
    return std::hash<std::string>()(id.str());
  }
};

#endif  // LASHUP_TYPES_H_
