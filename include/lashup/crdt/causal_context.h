// CausalContext: the set of dots a replica has seen, kept compact.
//
// Contract: a set of dots stored as a version vector (every dot up to the vector is seen) plus a
// "dot cloud" of seen dots beyond it that are not contiguous with it. The representation is
// canonical: after every change contiguous cloud dots move into the vector, and the cloud holds
// only dots the vector does not cover, sorted; so equal sets of dots have equal representations
// (the deterministic encoding relies on it). A context is how a delta says "these dots are gone
// unless I carry them" and how a remove says "remove only what I have seen".
// A plain value: safe to copy and to share read-only between threads.
#ifndef LASHUP_CRDT_CAUSAL_CONTEXT_H_
#define LASHUP_CRDT_CAUSAL_CONTEXT_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "lashup/crdt/dot.h"
#include "lashup/crdt/version_vector.h"
#include "lashup/status.h"

namespace lashup::crdt {

class CausalContext {
 public:
  CausalContext() = default;
  explicit CausalContext(VersionVector compact) : compact_(std::move(compact)) {}
  // Validates the parts (cloud sorted, unique, counters in [1, kMaxDotCounter]; the vector
  // was validated when built) and compacts them.
  static Result<CausalContext> FromParts(VersionVector compact, std::vector<Dot> cloud);

  bool Contains(const Dot& dot) const;
  // The next unused dot of `actor`: one past the highest counter seen for it.
  Dot NextDot(ActorId actor) const;
  void Add(const Dot& dot);
  void Merge(const CausalContext& other);
  // True when every dot of `other` is in this context.
  bool Includes(const CausalContext& other) const;

  // The highest counter seen per actor (the vector merged with the cloud's maxima): what a
  // caller compares to tell "has anything changed since I read it".
  VersionVector Summary() const;

  const VersionVector& compact() const { return compact_; }
  const std::vector<Dot>& cloud() const { return cloud_; }
  bool empty() const { return compact_.empty() && cloud_.empty(); }
  // Number of dots held (vector counters plus cloud size), saturating at UINT64_MAX.
  uint64_t DotCount() const;
  std::string ToString() const;

  friend bool operator==(const CausalContext&, const CausalContext&) = default;

 private:
  void Compact();

  VersionVector compact_;
  std::vector<Dot> cloud_;  // sorted; each dot beyond compact_ and not contiguous with it
};

std::ostream& operator<<(std::ostream& os, const CausalContext& context);

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_CAUSAL_CONTEXT_H_
