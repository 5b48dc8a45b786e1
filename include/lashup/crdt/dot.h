// Actors and dots: the identities every CRDT operation is stamped with.
//
// Contract:
// - An `ActorId` names one writer: one node's incarnation of its data. A node that loses its data
//   must take a new ActorId, so its new dots never collide with dots the cluster has seen
//   (choosing it is the storage layer's job; 64 random bits make a collision negligible).
// - A `Dot` (actor, counter) names one event of one actor. Counters start at 1 and each actor's
//   counters are dense: its n-th event is (actor, n). A dot is created once, for one place in one
//   value; the join rules depend on that uniqueness.
// Plain values, safe to copy and to share read-only between threads.
#ifndef LASHUP_CRDT_DOT_H_
#define LASHUP_CRDT_DOT_H_

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>

namespace lashup::crdt {

class ActorId {
 public:
  constexpr ActorId() = default;
  constexpr explicit ActorId(uint64_t value) : value_(value) {}
  constexpr uint64_t value() const { return value_; }
  // 16 lowercase hex digits.
  std::string ToString() const;
  friend constexpr auto operator<=>(ActorId, ActorId) = default;

 private:
  uint64_t value_ = 0;
};

// The largest dot counter a replica accepts from outside (decoders, FromParts). A real actor
// never gets near it (2^62 events at a billion a second take 146 years); the bound leaves room
// for local increments so no counter ever wraps, whatever a peer sent.
inline constexpr uint64_t kMaxDotCounter = uint64_t{1} << 62;

struct Dot {
  ActorId actor;
  uint64_t counter = 0;
  friend constexpr auto operator<=>(const Dot&, const Dot&) = default;
};

std::ostream& operator<<(std::ostream& os, ActorId actor);
std::ostream& operator<<(std::ostream& os, const Dot& dot);  // "actor:counter"

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_DOT_H_
