// Flag: an enable-wins flag.
//
// Contract: `Enable` adds a fresh dot; `Disable` removes the dots this replica has seen (or only
// those in `seen`), so an enable concurrent with a disable wins. `value()` is true iff some
// enable's dot survives. Neither operation fails.
// Not thread-safe to mutate; safe to copy and to share read-only.
#ifndef LASHUP_CRDT_FLAG_H_
#define LASHUP_CRDT_FLAG_H_

#include <optional>

#include "lashup/crdt/causal.h"

namespace lashup::crdt {

class Flag : public Causal<FlagStore> {
 public:
  Flag() = default;
  static Result<Flag> FromParts(FlagStore store, CausalContext context);

  Flag Enable(ActorId actor);
  Flag Disable(const std::optional<CausalContext>& seen = std::nullopt);

  bool value() const { return !store_.dots.empty(); }

 private:
  Flag(FlagStore store, CausalContext context) : Causal(std::move(store), std::move(context)) {}
};

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_FLAG_H_
