// LwwRegister: a last-writer-wins register of bytes.
//
// Contract: the value is the assignment with the greatest timestamp; equal timestamps are
// ordered by the value's bytes, so every replica picks the same winner whatever the order of
// arrival. `Assign` with a (timestamp, value) that would not win here changes nothing and
// returns a bottom delta (as riak_dt ignores an older assignment). `AssignNow` takes its
// timestamp from a HybridClock, above the register's current one, so it always wins locally;
// it fails (kOutOfRange) only when the register holds INT64_MAX, which nothing can beat.
// Concurrent assignments are kept side by side (each with its dot) until one replica overwrites
// them, which is what lets a map remove a register field without tombstones.
// Not thread-safe to mutate; safe to copy and to share read-only.
#ifndef LASHUP_CRDT_LWW_REGISTER_H_
#define LASHUP_CRDT_LWW_REGISTER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "lashup/crdt/causal.h"
#include "lashup/crdt/hybrid_clock.h"
#include "lashup/crdt/value.h"

namespace lashup::crdt {

class LwwRegister : public Causal<RegisterStore> {
 public:
  LwwRegister() = default;
  static Result<LwwRegister> FromParts(RegisterStore store, CausalContext context);

  LwwRegister Assign(ActorId actor, std::string value, int64_t timestamp);
  Result<LwwRegister> AssignNow(ActorId actor, std::string value, HybridClock& clock, WallTime now);

  // The winning assignment, or nullopt for a register never assigned.
  std::optional<RegisterValue> value() const;

 private:
  LwwRegister(RegisterStore store, CausalContext context)
      : Causal(std::move(store), std::move(context)) {}
};

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_LWW_REGISTER_H_
