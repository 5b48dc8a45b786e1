#include "crdt/random_map_ops.h"

namespace lashup::crdt {

std::vector<MapOp> RandomOps::Next(int depth) {
  std::vector<MapOp> list;
  const int n = Pick(1, 3);
  for (int i = 0; i < n; ++i) list.push_back(One(depth));
  return list;
}

MapOp RandomOps::One(int depth) {
  switch (Pick(0, depth < 3 ? 8 : 7)) {
    case 0:
      return ops::Add(Name("s"), Name("e"));
    case 1:
      return ops::AddAll(Name("s"), {Name("e"), Name("e")});
    case 2:
      return ops::Remove(Name("s"), Name("e"), CausalContext());
    case 3:
      return ops::Increment(Name("c"), Pick(-5, 5));
    case 4:
      return Pick(0, 1) ? ops::Enable(Name("f")) : ops::Disable(Name("f"));
    case 5:
      return ops::Assign(Name("r"), Name("v"), Pick(0, 20));
    case 6:
      return ops::RemoveField(Name("s"), CrdtType::kOrSet, CausalContext());
    case 7:
      return ops::RemoveField(Name("m"), CrdtType::kMap, CausalContext());
    default:
      return ops::Update(Name("m"), Next(depth + 1));
  }
}

MapOp RandomOps::Failing(int depth) {
  switch (Pick(0, depth < 3 ? 2 : 1)) {
    case 0:
      return ops::RemoveField("absent", CrdtType::kCounter);
    case 1:
      return ops::Remove(Name("s"), "absent-element");
    default:
      return ops::Update(Name("m"), {One(depth + 1), Failing(depth + 1)});
  }
}

namespace {

std::vector<MapOp> SetSeen(std::vector<MapOp> list, const std::optional<CausalContext>& seen) {
  for (MapOp& op : list) {
    if (auto* remove = std::get_if<RemoveField>(&op.op)) remove->seen = seen;
    if (auto* update = std::get_if<UpdateField>(&op.op)) {
      if (auto* rm = std::get_if<SetRemove>(&update->op)) rm->seen = seen;
      if (auto* nested = std::get_if<NestedMapOps>(&update->op)) {
        nested->ops = SetSeen(std::move(nested->ops), seen);
      }
    }
  }
  return list;
}

}  // namespace

std::vector<MapOp> WithSeen(std::vector<MapOp> list, const CausalContext& seen) {
  return SetSeen(std::move(list), seen);
}

std::vector<MapOp> WithoutSeen(std::vector<MapOp> list) {
  return SetSeen(std::move(list), std::nullopt);
}

}  // namespace lashup::crdt
