// Helpers on sorted dot lists, the building block of every join.
#ifndef LASHUP_CRDT_DOT_LIST_OPS_H_
#define LASHUP_CRDT_DOT_LIST_OPS_H_

#include "lashup/crdt/causal_context.h"
#include "lashup/crdt/stores.h"

namespace lashup::crdt::internal {

// The join of two dot lists of the same place: dots in both, plus each side's dots the other
// side has not seen. Result into `mine`.
void JoinDotLists(DotList& mine, const CausalContext& my_context, const DotList& theirs,
                  const CausalContext& their_context);

// Drops the dots `context` has seen (the one-sided case of a join).
void DropSeen(DotList& dots, const CausalContext& context);

inline bool IsEmpty(const DotList& dots) { return dots.empty(); }

bool ContainsDot(const DotList& dots, const Dot& dot);

}  // namespace lashup::crdt::internal

#endif  // LASHUP_CRDT_DOT_LIST_OPS_H_
