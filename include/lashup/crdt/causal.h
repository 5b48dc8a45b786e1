// Causal<Store>: a dot store with its causal context; the shape every standalone CRDT shares.
//
// Contract: `Join` is the lattice join (commutative, associative, idempotent) of two replicas or
// deltas of the same type. A mutator of a derived type changes the replica in place and returns
// the delta it made; joining that delta into any replica has the same effect there, and joining
// it into the replica that made it changes nothing. A default-constructed value is the bottom
// element (empty, nothing seen); a delta is bottom when the mutation was a no-op.
// Not thread-safe to mutate; safe to copy and to share read-only.
#ifndef LASHUP_CRDT_CAUSAL_H_
#define LASHUP_CRDT_CAUSAL_H_

#include <utility>

#include "lashup/crdt/causal_context.h"
#include "lashup/crdt/stores.h"
#include "lashup/status.h"

namespace lashup::crdt {
namespace internal {

// mine := mine ⊔ theirs for the stores; the caller merges the contexts afterwards.
void JoinInto(OrSetStore& mine, const CausalContext& my_context, const OrSetStore& theirs,
              const CausalContext& their_context);
void JoinInto(CounterStore& mine, const CausalContext& my_context, const CounterStore& theirs,
              const CausalContext& their_context);
void JoinInto(FlagStore& mine, const CausalContext& my_context, const FlagStore& theirs,
              const CausalContext& their_context);
void JoinInto(RegisterStore& mine, const CausalContext& my_context, const RegisterStore& theirs,
              const CausalContext& their_context);
void JoinInto(MapStore& mine, const CausalContext& my_context, const MapStore& theirs,
              const CausalContext& their_context);
// The same, free to take `theirs` apart (moving its entries instead of copying them).
void JoinInto(OrSetStore& mine, const CausalContext& my_context, OrSetStore&& theirs,
              const CausalContext& their_context);
void JoinInto(MapStore& mine, const CausalContext& my_context, MapStore&& theirs,
              const CausalContext& their_context);

// The same joins, always visiting every entry of `mine`. JoinInto takes a shortcut for small
// deltas and must give exactly this result; tests compare the two.
void JoinFull(OrSetStore& mine, const CausalContext& my_context, const OrSetStore& theirs,
              const CausalContext& their_context);
void JoinFull(CounterStore& mine, const CausalContext& my_context, const CounterStore& theirs,
              const CausalContext& their_context);
void JoinFull(FlagStore& mine, const CausalContext& my_context, const FlagStore& theirs,
              const CausalContext& their_context);
void JoinFull(RegisterStore& mine, const CausalContext& my_context, const RegisterStore& theirs,
              const CausalContext& their_context);
void JoinFull(MapStore& mine, const CausalContext& my_context, const MapStore& theirs,
              const CausalContext& their_context);

// Checks every store invariant (stores.h) against the context; kInvalidArgument naming the
// first violation.
Status ValidateState(const OrSetStore& store, const CausalContext& context);
Status ValidateState(const CounterStore& store, const CausalContext& context);
Status ValidateState(const FlagStore& store, const CausalContext& context);
Status ValidateState(const RegisterStore& store, const CausalContext& context);
Status ValidateState(const MapStore& store, const CausalContext& context);

}  // namespace internal

template <typename Store>
class Causal {
 public:
  void Join(const Causal& other) {
    internal::JoinInto(store_, context_, other.store_, other.context_);
    context_.Merge(other.context_);
  }
  // The same result; consumes `other`, which saves copying its entries (for a replica received
  // from the network and not needed afterwards).
  void Join(Causal&& other) {
    if (&other == this) return;  // joining a value with itself changes nothing
    internal::JoinInto(store_, context_, std::move(other.store_), other.context_);
    context_.Merge(other.context_);
    other = Causal();
  }

  // True for the bottom element: nothing stored and nothing seen.
  bool IsBottom() const { return context_.empty(); }
  const Store& store() const { return store_; }
  const CausalContext& context() const { return context_; }

  friend bool operator==(const Causal&, const Causal&) = default;

 protected:
  Causal() = default;
  Causal(Store store, CausalContext context)
      : store_(std::move(store)), context_(std::move(context)) {}

  Store store_;
  CausalContext context_;
};

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_CAUSAL_H_
