#include "lashup/crdt/map.h"

#include "crdt/mutators.h"

namespace lashup::crdt {
namespace {

Value ValueOf(const FieldStore& field);

MapValue ValueOf(const MapStore& store) {
  MapValue out;
  out.entries.reserve(store.fields.size());
  for (const auto& [key, field] : store.fields) out.entries.push_back({key, ValueOf(field)});
  return out;
}

Value ValueOf(const FieldStore& field) {
  if (const auto* set = std::get_if<OrSetStore>(&field)) {
    SetValue elements;
    elements.reserve(set->entries.size());
    for (const auto& entry : set->entries) elements.push_back(entry.first);
    return Value{std::move(elements)};
  }
  if (const auto* counter = std::get_if<CounterStore>(&field)) {
    return Value{internal::CounterValue(*counter)};
  }
  if (const auto* flag = std::get_if<FlagStore>(&field)) return Value{!flag->dots.empty()};
  if (const auto* reg = std::get_if<RegisterStore>(&field)) {
    const RegisterEntry* winner = internal::RegisterWinner(*reg);
    // Fields are never empty (stores.h), so a register field has a winner.
    return Value{RegisterValue{winner->value, winner->timestamp}};
  }
  return Value{ValueOf(*std::get<Box<MapStore>>(field))};
}

}  // namespace

Result<Map> Map::FromParts(MapStore store, CausalContext context) {
  LASHUP_RETURN_IF_ERROR(internal::ValidateState(store, context));
  return Map(std::move(store), std::move(context));
}

bool Map::Has(std::string_view name, CrdtType type) const {
  return store_.fields.count(FieldKey{std::string(name), type}) > 0;
}

MapValue Map::value() const { return ValueOf(store_); }

}  // namespace lashup::crdt
