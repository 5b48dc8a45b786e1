// OrSet: an add-wins observed-remove set of byte strings, without tombstones (like ORSWOT).
//
// Contract: `Add` tags the element with a fresh dot of `actor`; `Remove` takes away the dots this
// replica has seen for it, so an add concurrent with a remove survives the join (add wins). A
// removed element leaves nothing behind but dots in the context. `Remove`/`RemoveAll` without a
// context fail with kFailedPrecondition when an element is absent and then change nothing;
// `RemoveSeen` removes only the dots in `seen` and never fails. Mutators return the delta to ship.
// Not thread-safe to mutate; safe to copy and to share read-only.
#ifndef LASHUP_CRDT_ORSET_H_
#define LASHUP_CRDT_ORSET_H_

#include <string>
#include <string_view>
#include <vector>

#include "lashup/crdt/causal.h"
#include "lashup/crdt/value.h"

namespace lashup::crdt {

class OrSet : public Causal<OrSetStore> {
 public:
  OrSet() = default;
  // Validates the invariants (stores.h); for decoders and tests.
  static Result<OrSet> FromParts(OrSetStore store, CausalContext context);

  OrSet Add(ActorId actor, std::string_view element);
  OrSet AddAll(ActorId actor, const std::vector<std::string>& elements);
  Result<OrSet> Remove(std::string_view element);
  Result<OrSet> RemoveAll(const std::vector<std::string>& elements);
  OrSet RemoveSeen(const std::vector<std::string>& elements, const CausalContext& seen);

  bool Contains(std::string_view element) const;
  size_t size() const { return store_.entries.size(); }
  SetValue value() const;

 private:
  OrSet(OrSetStore store, CausalContext context) : Causal(std::move(store), std::move(context)) {}
};

}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_ORSET_H_
