// Counter: a PN-counter that can also live in a map and be reset by removing its field.
//
// Contract: `Add(actor, n)` adds n (negative subtracts); `value()` is the sum over actors of
// each actor's increments minus decrements, wrapping on int64 overflow. Each actor keeps one
// entry, tagged with a dot, holding its cumulative totals; a new entry replaces the actor's older
// ones. Where deltas arrive out of order an actor's older entry can linger beside its newer one
// until the delta that removed it arrives; `value()` counts only the newest, never both.
// Not thread-safe to mutate; safe to copy and to share read-only.
#ifndef LASHUP_CRDT_COUNTER_H_
#define LASHUP_CRDT_COUNTER_H_

#include <cstdint>

#include "lashup/crdt/causal.h"

namespace lashup::crdt {

class Counter : public Causal<CounterStore> {
 public:
  Counter() = default;
  static Result<Counter> FromParts(CounterStore store, CausalContext context);

  Counter Add(ActorId actor, int64_t amount);
  Counter Increment(ActorId actor, int64_t amount = 1) { return Add(actor, amount); }
  Counter Decrement(ActorId actor, int64_t amount = 1);

  int64_t value() const;

 private:
  Counter(CounterStore store, CausalContext context)
      : Causal(std::move(store), std::move(context)) {}
};

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_COUNTER_H_
