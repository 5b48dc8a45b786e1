// HybridClock: timestamps for last-writer-wins registers that never run backwards.
//
// Contract: a hybrid logical clock in nanoseconds since the Unix epoch. `Next(now)` returns a
// value greater than every value it returned or observed before and at least the wall time, so
// two writes through one clock are ordered even if the wall clock steps back, and a write made
// after seeing another's timestamp (via `Observe`) is ordered after it even with skewed clocks.
// The clock is fed the wall time by its owner; it never reads one. Not thread-safe: one per node,
// used on the node's thread.
#ifndef LASHUP_CRDT_HYBRID_CLOCK_H_
#define LASHUP_CRDT_HYBRID_CLOCK_H_

#include <cstdint>

#include "lashup/types.h"

namespace lashup::crdt {

class HybridClock {
 public:
  // The next timestamp: max(wall time, last + 1, at_least).
  int64_t Next(WallTime now, int64_t at_least = 0);
  // Remembers a timestamp seen in another node's write.
  void Observe(int64_t timestamp);
  int64_t last() const { return last_; }

 private:
  int64_t last_ = 0;
};

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_HYBRID_CLOCK_H_
