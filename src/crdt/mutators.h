// The δ-mutators of each dot store, shared by the standalone types and by maps. Each changes
// (store, context) in place and writes what it did into a fresh delta: `delta` receives the new
// entries and `delta_context` the new dots plus every dot it removed. Joining the delta into the
// state before the change gives the state after it.
#ifndef LASHUP_CRDT_MUTATORS_H_
#define LASHUP_CRDT_MUTATORS_H_

#include <cstdint>
#include <string_view>

#include "lashup/crdt/causal_context.h"
#include "lashup/crdt/stores.h"

namespace lashup::crdt::internal {

void AddElement(OrSetStore& store, CausalContext& context, ActorId actor, std::string_view element,
                OrSetStore& delta, CausalContext& delta_context);

// Removes the element's dots (only those in `seen` when given). False if the element is absent.
bool RemoveElement(OrSetStore& store, std::string_view element, const CausalContext* seen,
                   CausalContext& delta_context);

void AddToCounter(CounterStore& store, CausalContext& context, ActorId actor, int64_t amount,
                  CounterStore& delta, CausalContext& delta_context);

void EnableFlag(FlagStore& store, CausalContext& context, ActorId actor, FlagStore& delta,
                CausalContext& delta_context);
void DisableFlag(FlagStore& store, const CausalContext* seen, CausalContext& delta_context);

// Assigns unless (timestamp, value) would not win over the current winner; false then.
bool AssignRegister(RegisterStore& store, CausalContext& context, ActorId actor,
                    RegisterEntry entry, RegisterStore& delta, CausalContext& delta_context);

// The winning entry (greatest (timestamp, value)), or nullptr when empty.
const RegisterEntry* RegisterWinner(const RegisterStore& store);

// The timestamp a clock-stamped assignment must reach to win: one past the winner's.
int64_t TimestampToWin(const RegisterStore& store);

int64_t CounterValue(const CounterStore& store);

}  // namespace lashup::crdt::internal

#endif  // LASHUP_CRDT_MUTATORS_H_
