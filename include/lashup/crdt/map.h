// Map: a map of named, typed fields holding sets, counters, flags, registers and maps.
//
// Contract:
// - `Apply(ops, options)` applies an operation list (ops.h) atomically: all of it, or on the
//   first failing operation nothing at all, with a Status naming that operation (its index and
//   what it was, nested operations included). On success it returns the delta to ship.
// - A field exists while it holds something: a set with an element, a counter or register ever
//   written, an enabled flag, a map with a field. Removing a set's last element or disabling a
//   flag removes the field.
// - Concurrent update beats remove: a field removed on one replica while another updates it
//   survives the join, holding only what the remover had not seen (for sets, flags and maps:
//   the concurrent additions; for counters: the concurrent writer's whole contribution; for
//   registers: the concurrent assignment). A remove that causally follows an update removes it
//   everywhere. docs/crdt.md states the rules with examples.
// - All operations in one Apply take dots from `options.actor`, one per change.
// Not thread-safe to mutate; safe to copy and to share read-only.
#ifndef LASHUP_CRDT_MAP_H_
#define LASHUP_CRDT_MAP_H_

#include <string_view>
#include <vector>

#include "lashup/crdt/causal.h"
#include "lashup/crdt/hybrid_clock.h"
#include "lashup/crdt/ops.h"
#include "lashup/crdt/value.h"
#include "lashup/types.h"

namespace lashup::crdt {

struct ApplyOptions {
  ActorId actor;
  // Timestamps for register assignments without one; required only if the list has such an
  // assignment (kInvalidArgument otherwise).
  HybridClock* clock = nullptr;
  WallTime now{};
};

class Map : public Causal<MapStore> {
 public:
  Map() = default;
  static Result<Map> FromParts(MapStore store, CausalContext context);

  Result<Map> Apply(const std::vector<MapOp>& ops, const ApplyOptions& options);

  bool empty() const { return store_.fields.empty(); }
  size_t size() const { return store_.fields.size(); }
  bool Has(std::string_view name, CrdtType type) const;
  MapValue value() const;

 private:
  Map(MapStore store, CausalContext context) : Causal(std::move(store), std::move(context)) {}
};

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_MAP_H_
