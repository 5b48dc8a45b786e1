// What every dot store can say about its dots: whether it has any, which they are, and how to
// drop the ones a context has seen. Shared by joins, removes and validation.
#ifndef LASHUP_CRDT_STORE_DOTS_H_
#define LASHUP_CRDT_STORE_DOTS_H_

#include <vector>

#include "lashup/crdt/causal_context.h"
#include "lashup/crdt/stores.h"

namespace lashup::crdt::internal {

bool IsEmpty(const OrSetStore& store);
bool IsEmpty(const CounterStore& store);
bool IsEmpty(const FlagStore& store);
bool IsEmpty(const RegisterStore& store);
bool IsEmpty(const MapStore& store);
bool IsEmpty(const FieldStore& store);

// Appends every dot in the store (unsorted).
void CollectDots(const OrSetStore& store, std::vector<Dot>& out);
void CollectDots(const CounterStore& store, std::vector<Dot>& out);
void CollectDots(const FlagStore& store, std::vector<Dot>& out);
void CollectDots(const RegisterStore& store, std::vector<Dot>& out);
void CollectDots(const MapStore& store, std::vector<Dot>& out);
void CollectDots(const FieldStore& store, std::vector<Dot>& out);

// Removes every dot `context` has seen, and entries left empty.
void DropSeen(OrSetStore& store, const CausalContext& context);
void DropSeen(CounterStore& store, const CausalContext& context);
void DropSeen(FlagStore& store, const CausalContext& context);
void DropSeen(RegisterStore& store, const CausalContext& context);
void DropSeen(MapStore& store, const CausalContext& context);
void DropSeen(FieldStore& store, const CausalContext& context);

// An empty store of the given type.
FieldStore EmptyFieldStore(CrdtType type);

// A context holding exactly `dots`.
CausalContext ContextOf(std::vector<Dot> dots);

}  // namespace lashup::crdt::internal

#endif  // LASHUP_CRDT_STORE_DOTS_H_
