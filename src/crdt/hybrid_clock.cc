#include "lashup/crdt/hybrid_clock.h"

#include <algorithm>
#include <limits>

namespace lashup::crdt {

int64_t HybridClock::Next(WallTime now, int64_t at_least) {
  const int64_t after_last = last_ == std::numeric_limits<int64_t>::max() ? last_ : last_ + 1;
  last_ = std::max({ToNanos(now), after_last, at_least});
  return last_;
}

void HybridClock::Observe(int64_t timestamp) { last_ = std::max(last_, timestamp); }

}  // namespace lashup::crdt
