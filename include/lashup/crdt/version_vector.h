// VersionVector: how much of each actor's history a replica has seen.
//
// Contract: a map from ActorId to the highest counter seen (absent means 0), kept sorted by actor
// with no zero entries, so equal vectors have equal representations. `Compare` gives the causal
// order: kEqual, kBefore (this one is strictly older), kAfter (strictly newer) or kConcurrent.
// `Descends(b)` is "has seen everything b has" (a vector descends itself). Operations cost
// O(actors). A plain value: safe to copy and to share read-only between threads.
#ifndef LASHUP_CRDT_VERSION_VECTOR_H_
#define LASHUP_CRDT_VERSION_VECTOR_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "lashup/crdt/dot.h"
#include "lashup/status.h"

namespace lashup::crdt {

enum class CausalOrder { kEqual, kBefore, kAfter, kConcurrent };

class VersionVector {
 public:
  using Entry = std::pair<ActorId, uint64_t>;

  VersionVector() = default;
  // Validates: sorted by actor, no duplicates, counters in [1, kMaxDotCounter].
  static Result<VersionVector> FromEntries(std::vector<Entry> entries);

  uint64_t Get(ActorId actor) const;
  // Raises the actor's counter to at least `counter`.
  void Raise(ActorId actor, uint64_t counter);
  // Adds one to the actor's counter and returns the new value.
  uint64_t Increment(ActorId actor);
  bool Contains(const Dot& dot) const { return Get(dot.actor) >= dot.counter; }

  // Pointwise maximum.
  void Merge(const VersionVector& other);
  bool Descends(const VersionVector& other) const;
  bool Dominates(const VersionVector& other) const;  // descends and differs
  CausalOrder Compare(const VersionVector& other) const;

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  const std::vector<Entry>& entries() const { return entries_; }
  // "{actor:counter, ...}".
  std::string ToString() const;

  friend bool operator==(const VersionVector&, const VersionVector&) = default;

 private:
  std::vector<Entry> entries_;
};

std::ostream& operator<<(std::ostream& os, const VersionVector& vv);
std::ostream& operator<<(std::ostream& os, CausalOrder order);

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_VERSION_VECTOR_H_
