#include "lashup/crdt/flag.h"

#include "crdt/mutators.h"

namespace lashup::crdt {

Result<Flag> Flag::FromParts(FlagStore store, CausalContext context) {
  LASHUP_RETURN_IF_ERROR(internal::ValidateState(store, context));
  return Flag(std::move(store), std::move(context));
}

Flag Flag::Enable(ActorId actor) {
  Flag delta;
  internal::EnableFlag(store_, context_, actor, delta.store_, delta.context_);
  return delta;
}

Flag Flag::Disable(const std::optional<CausalContext>& seen) {
  Flag delta;
  internal::DisableFlag(store_, seen ? &*seen : nullptr, delta.context_);
  return delta;
}

}  // namespace lashup::crdt
