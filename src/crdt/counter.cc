#include "lashup/crdt/counter.h"

#include "crdt/mutators.h"

namespace lashup::crdt {

Result<Counter> Counter::FromParts(CounterStore store, CausalContext context) {
  LASHUP_RETURN_IF_ERROR(internal::ValidateState(store, context));
  return Counter(std::move(store), std::move(context));
}

Counter Counter::Add(ActorId actor, int64_t amount) {
  Counter delta;
  internal::AddToCounter(store_, context_, actor, amount, delta.store_, delta.context_);
  return delta;
}

Counter Counter::Decrement(ActorId actor, int64_t amount) {
  // Negating in unsigned arithmetic keeps INT64_MIN well defined.
  return Add(actor, static_cast<int64_t>(uint64_t{0} - static_cast<uint64_t>(amount)));
}

int64_t Counter::value() const { return internal::CounterValue(store_); }

}  // namespace lashup::crdt
