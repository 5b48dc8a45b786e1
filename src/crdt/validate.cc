// Invariant checks for states that come from outside (decoders, FromParts): a state that passes
// is safe for every join and mutator.
#include <algorithm>
#include <string>

#include "crdt/store_dots.h"
#include "lashup/crdt/causal.h"
#include "lashup/crdt/ops.h"

namespace lashup::crdt::internal {
namespace {

Status CheckDotList(const DotList& dots, const std::string& where) {
  if (dots.empty()) return InvalidArgumentError(where + ": empty dot list");
  for (size_t i = 1; i < dots.size(); ++i) {
    if (!(dots[i - 1] < dots[i])) return InvalidArgumentError(where + ": dots not sorted");
  }
  return Status::Ok();
}

// Every dot stored is seen by the context, has a counter >= 1 and appears once.
Status CheckDots(std::vector<Dot> dots, const CausalContext& context) {
  for (const Dot& d : dots) {
    if (d.counter == 0) return InvalidArgumentError("dot with counter 0");
    if (!context.Contains(d)) {
      std::string text = d.actor.ToString() + ":" + std::to_string(d.counter);
      return InvalidArgumentError("dot " + text + " is not in the causal context");
    }
  }
  std::sort(dots.begin(), dots.end());
  if (std::adjacent_find(dots.begin(), dots.end()) != dots.end()) {
    return InvalidArgumentError("a dot appears twice in one value");
  }
  return Status::Ok();
}

Status CheckShape(const OrSetStore& store) {
  for (const auto& [element, dots] : store.entries) {
    LASHUP_RETURN_IF_ERROR(CheckDotList(dots, "set element"));
  }
  return Status::Ok();
}

Status CheckShape(const MapStore& store, int depth);

Status CheckFieldShape(const FieldKey& key, const FieldStore& field, int depth) {
  if (TypeOf(field) != key.type) {
    return InvalidArgumentError("field \"" + key.name + "\" is declared " + CrdtTypeName(key.type) +
                                " but holds " + CrdtTypeName(TypeOf(field)));
  }
  if (IsEmpty(field)) return InvalidArgumentError("field \"" + key.name + "\" is empty");
  if (const auto* set = std::get_if<OrSetStore>(&field)) return CheckShape(*set);
  if (const auto* flag = std::get_if<FlagStore>(&field)) return CheckDotList(flag->dots, "flag");
  if (const auto* map = std::get_if<Box<MapStore>>(&field)) return CheckShape(**map, depth + 1);
  return Status::Ok();
}

Status CheckShape(const MapStore& store, int depth) {
  if (depth > kMaxNesting) {
    return InvalidArgumentError("maps nested deeper than " + std::to_string(kMaxNesting));
  }
  for (const auto& [key, field] : store.fields) {
    LASHUP_RETURN_IF_ERROR(CheckFieldShape(key, field, depth));
  }
  return Status::Ok();
}

template <typename Store>
Status CheckDotsOf(const Store& store, const CausalContext& context) {
  std::vector<Dot> dots;
  CollectDots(store, dots);
  return CheckDots(std::move(dots), context);
}

}  // namespace

Status ValidateState(const OrSetStore& store, const CausalContext& context) {
  LASHUP_RETURN_IF_ERROR(CheckShape(store));
  return CheckDotsOf(store, context);
}

Status ValidateState(const CounterStore& store, const CausalContext& context) {
  return CheckDotsOf(store, context);
}

Status ValidateState(const FlagStore& store, const CausalContext& context) {
  if (!store.dots.empty()) LASHUP_RETURN_IF_ERROR(CheckDotList(store.dots, "flag"));
  return CheckDotsOf(store, context);
}

Status ValidateState(const RegisterStore& store, const CausalContext& context) {
  return CheckDotsOf(store, context);
}

Status ValidateState(const MapStore& store, const CausalContext& context) {
  LASHUP_RETURN_IF_ERROR(CheckShape(store, 1));
  return CheckDotsOf(store, context);
}

}  // namespace lashup::crdt::internal
