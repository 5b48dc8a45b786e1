#include "lashup/crdt/ops.h"

#include "crdt/text.h"

namespace lashup::crdt {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;  // clang 14 does not deduce aggregates' bases

std::string FieldText(const FieldKey& key) {
  return std::string(CrdtTypeName(key.type)) + " " +
         internal::Quote(key.name, internal::kShownInErrors);
}

std::string ElementsText(const std::vector<std::string>& elements) {
  if (elements.size() == 1) return internal::Quote(elements[0], internal::kShownInErrors);
  std::string out = std::to_string(elements.size()) + " elements";
  return out;
}

std::string Seen(const std::optional<CausalContext>& seen) { return seen ? " (seen context)" : ""; }

}  // namespace

CrdtType FieldTypeOf(const FieldOp& op) {
  return std::visit(Overloaded{
                        [](const SetAdd&) { return CrdtType::kOrSet; },
                        [](const SetRemove&) { return CrdtType::kOrSet; },
                        [](const CounterAdd&) { return CrdtType::kCounter; },
                        [](const FlagEnable&) { return CrdtType::kFlag; },
                        [](const FlagDisable&) { return CrdtType::kFlag; },
                        [](const RegisterAssign&) { return CrdtType::kRegister; },
                        [](const NestedMapOps&) { return CrdtType::kMap; },
                    },
                    op);
}

std::string Describe(const MapOp& op) {
  if (const auto* remove = std::get_if<RemoveField>(&op.op)) {
    return "remove field " + FieldText(remove->field) + Seen(remove->seen);
  }
  const auto& update = std::get<UpdateField>(op.op);
  const std::string where = FieldText(update.field);
  return std::visit(
      Overloaded{
          [&](const SetAdd& a) { return "add " + ElementsText(a.elements) + " to " + where; },
          [&](const SetRemove& r) {
            return "remove " + ElementsText(r.elements) + " from " + where + Seen(r.seen);
          },
          [&](const CounterAdd& c) { return "add " + std::to_string(c.amount) + " to " + where; },
          [&](const FlagEnable&) { return "enable " + where; },
          [&](const FlagDisable& d) { return "disable " + where + Seen(d.seen); },
          [&](const RegisterAssign& a) {
            return "assign " + internal::Quote(a.value, internal::kShownInErrors) + " to " + where;
          },
          [&](const NestedMapOps& n) {
            return "update " + where + " with " + std::to_string(n.ops.size()) + " ops";
          },
      },
      update.op);
}

namespace ops {

MapOp Add(std::string set_field, std::string element) {
  return AddAll(std::move(set_field), {std::move(element)});
}
MapOp AddAll(std::string set_field, std::vector<std::string> elements) {
  return {UpdateField{{std::move(set_field), CrdtType::kOrSet}, SetAdd{std::move(elements)}}};
}
MapOp Remove(std::string set_field, std::string element, std::optional<CausalContext> seen) {
  return RemoveAll(std::move(set_field), {std::move(element)}, std::move(seen));
}
MapOp RemoveAll(std::string set_field, std::vector<std::string> elements,
                std::optional<CausalContext> seen) {
  return {UpdateField{{std::move(set_field), CrdtType::kOrSet},
                      SetRemove{std::move(elements), std::move(seen)}}};
}
MapOp Increment(std::string counter_field, int64_t amount) {
  return {UpdateField{{std::move(counter_field), CrdtType::kCounter}, CounterAdd{amount}}};
}
MapOp Decrement(std::string counter_field, int64_t amount) {
  const auto negated = static_cast<int64_t>(uint64_t{0} - static_cast<uint64_t>(amount));
  return Increment(std::move(counter_field), negated);
}
MapOp Enable(std::string flag_field) {
  return {UpdateField{{std::move(flag_field), CrdtType::kFlag}, FlagEnable{}}};
}
MapOp Disable(std::string flag_field, std::optional<CausalContext> seen) {
  return {UpdateField{{std::move(flag_field), CrdtType::kFlag}, FlagDisable{std::move(seen)}}};
}
MapOp Assign(std::string register_field, std::string value, std::optional<int64_t> timestamp) {
  return {UpdateField{{std::move(register_field), CrdtType::kRegister},
                      RegisterAssign{std::move(value), timestamp}}};
}
MapOp Update(std::string map_field, std::vector<MapOp> nested) {
  return {UpdateField{{std::move(map_field), CrdtType::kMap}, NestedMapOps{std::move(nested)}}};
}
MapOp RemoveField(std::string name, CrdtType type, std::optional<CausalContext> seen) {
  return {crdt::RemoveField{{std::move(name), type}, std::move(seen)}};
}

}  // namespace ops
}  // namespace lashup::crdt
