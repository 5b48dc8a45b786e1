// Map::Apply: an operation list, all or nothing. The list is validated first (types, shapes,
// nesting), so only preconditions (removing what is absent) can fail while applying; when the
// list has such an op, every change records its reversal in an UndoLog, which a failure rolls
// back. The cost is proportional to what the list touches, not to the size of its fields.
// Each op's delta is joined into the list's delta, so an op that undoes an earlier one in the
// same list (add then remove) leaves the delta exactly as the state.
#include <map>
#include <optional>

#include "core/check.h"
#include "crdt/mutators.h"
#include "crdt/store_dots.h"
#include "crdt/text.h"
#include "crdt/undo_log.h"
#include "lashup/crdt/map.h"

namespace lashup::crdt {
namespace {

struct Env {
  ActorId actor;
  HybridClock* clock;
  WallTime now;
  internal::UndoLog* undo;
};

// Records how to put a small field store (counter, flag, register) back as it is now. Nothing
// else points into these, so restoring them by assignment is safe.
void SaveField(const Env& env, FieldStore& field) {
  if (env.undo->enabled()) env.undo->Push([at = &field, old = field]() { *at = old; });
}

// Records the elements' current dots (or absence) before a set op changes them.
void SaveElements(const Env& env, OrSetStore& set, const std::vector<std::string>& elements) {
  if (!env.undo->enabled()) return;
  for (const std::string& e : elements) {
    auto it = set.entries.find(e);
    std::optional<DotList> old;
    if (it != set.entries.end()) old = it->second;
    env.undo->Push([at = &set, e, old = std::move(old)]() {
      if (old) {
        at->entries.insert_or_assign(e, *old);
      } else {
        at->entries.erase(e);
      }
    });
  }
}

// Swaps a field for a copy of itself and keeps the original, untouched, for a rollback: earlier
// undo steps may point into the original (into a nested map's fields), so it must come back as
// the same object rather than be overwritten by assignment.
std::map<FieldKey, FieldStore>::iterator WorkOnCopy(const Env& env, MapStore& store,
                                                    std::map<FieldKey, FieldStore>::iterator it) {
  if (!env.undo->enabled()) return it;
  FieldStore copy = it->second;
  auto original = store.fields.extract(it);
  auto copied = store.fields.emplace(original.key(), std::move(copy)).first;
  env.undo->Push([at = &store, original = std::move(original)]() mutable {
    at->fields.erase(original.key());
    at->fields.insert(std::move(original));
  });
  return copied;
}

// Erases a field, keeping it alive in the undo log so a rollback can put the same node back.
void EraseField(const Env& env, MapStore& store, std::map<FieldKey, FieldStore>::iterator it) {
  auto node = store.fields.extract(it);
  if (env.undo->enabled()) {
    env.undo->Push(
        [at = &store, node = std::move(node)]() mutable { at->fields.insert(std::move(node)); });
  }
}

Status OpError(size_t index, const MapOp& op, const Status& cause) {
  return Status(cause.code(),
                "op " + std::to_string(index) + " (" + Describe(op) + "): " + cause.message());
}

Status CheckList(const std::vector<MapOp>& ops, const Env& env, int depth);

Status CheckUpdate(const UpdateField& update, const Env& env, int depth) {
  const CrdtType op_type = FieldTypeOf(update.op);
  if (op_type != update.field.type) {
    return InvalidArgumentError(std::string("a ") + CrdtTypeName(op_type) + " operation on a " +
                                CrdtTypeName(update.field.type) + " field");
  }
  if (const auto* add = std::get_if<SetAdd>(&update.op); add && add->elements.empty()) {
    return InvalidArgumentError("no elements to add");
  }
  if (const auto* rm = std::get_if<SetRemove>(&update.op); rm && rm->elements.empty()) {
    return InvalidArgumentError("no elements to remove");
  }
  if (const auto* assign = std::get_if<RegisterAssign>(&update.op)) {
    if (!assign->timestamp && env.clock == nullptr) {
      return InvalidArgumentError("an assignment without a timestamp needs ApplyOptions::clock");
    }
  }
  if (const auto* nested = std::get_if<NestedMapOps>(&update.op)) {
    if (depth >= kMaxNesting) {
      return InvalidArgumentError("maps nest at most " + std::to_string(kMaxNesting) + " deep");
    }
    return CheckList(nested->ops, env, depth + 1);
  }
  return Status::Ok();
}

Status CheckList(const std::vector<MapOp>& ops, const Env& env, int depth) {
  if (ops.empty()) return InvalidArgumentError("empty operation list");
  for (size_t i = 0; i < ops.size(); ++i) {
    const auto* update = std::get_if<UpdateField>(&ops[i].op);
    Status status;
    if (update == nullptr) {
      const auto raw = static_cast<uint8_t>(std::get<RemoveField>(ops[i].op).field.type);
      if (!IsValidCrdtType(raw)) status = InvalidArgumentError("unknown field type");
    } else {
      status = CheckUpdate(*update, env, depth);
    }
    if (!status.ok()) return OpError(i, ops[i], status);
  }
  return Status::Ok();
}

bool MayFail(const std::vector<MapOp>& ops) {
  for (const MapOp& op : ops) {
    if (const auto* remove = std::get_if<RemoveField>(&op.op)) {
      if (!remove->seen) return true;
      continue;
    }
    const FieldOp& field_op = std::get<UpdateField>(op.op).op;
    if (const auto* rm = std::get_if<SetRemove>(&field_op); rm && !rm->seen) return true;
    if (const auto* assign = std::get_if<RegisterAssign>(&field_op); assign && !assign->timestamp) {
      return true;  // fails if the register is pinned at INT64_MAX
    }
    if (const auto* nested = std::get_if<NestedMapOps>(&field_op); nested && MayFail(nested->ops)) {
      return true;
    }
  }
  return false;
}

Status ApplyList(MapStore& store, CausalContext& context, const std::vector<MapOp>& ops,
                 const Env& env, MapStore& delta, CausalContext& delta_context);

template <typename BeforeChange>
Status RemoveElements(OrSetStore& set, const SetRemove& remove, CausalContext& delta_context,
                      BeforeChange before_change) {
  if (!remove.seen) {
    for (const std::string& e : remove.elements) {
      if (set.entries.find(e) == set.entries.end()) {
        return FailedPreconditionError("element " + internal::Quote(e, internal::kShownInErrors) +
                                       " is not present");
      }
    }
  }
  before_change();
  const CausalContext* seen = remove.seen ? &*remove.seen : nullptr;
  for (const std::string& e : remove.elements) internal::RemoveElement(set, e, seen, delta_context);
  return Status::Ok();
}

Status AssignField(RegisterStore& reg, CausalContext& context, const RegisterAssign& assign,
                   const Env& env, RegisterStore& delta, CausalContext& delta_context) {
  const int64_t timestamp = assign.timestamp
                                ? *assign.timestamp
                                : env.clock->Next(env.now, internal::TimestampToWin(reg));
  const bool won = internal::AssignRegister(
      reg, context, env.actor, RegisterEntry{timestamp, assign.value}, delta, delta_context);
  // An explicit timestamp that loses is the LWW rule (a no-op); a clock-stamped assignment is
  // meant to win, and can only lose once the register holds the largest timestamp there is.
  if (!won && !assign.timestamp) {
    return OutOfRangeError("the register holds timestamp INT64_MAX; no newer assignment can win");
  }
  return Status::Ok();
}

Status ApplyToField(FieldStore& field, CausalContext& context, const FieldOp& op, const Env& env,
                    FieldStore& delta, CausalContext& delta_context) {
  if (const auto* add = std::get_if<SetAdd>(&op)) {
    auto& set = std::get<OrSetStore>(field);
    auto& set_delta = std::get<OrSetStore>(delta);
    SaveElements(env, set, add->elements);
    for (const std::string& e : add->elements) {
      internal::AddElement(set, context, env.actor, e, set_delta, delta_context);
    }
    return Status::Ok();
  }
  if (const auto* remove = std::get_if<SetRemove>(&op)) {
    auto& set = std::get<OrSetStore>(field);
    Status status = RemoveElements(set, *remove, delta_context,
                                   [&] { SaveElements(env, set, remove->elements); });
    return status;
  }
  if (!std::holds_alternative<NestedMapOps>(op)) SaveField(env, field);
  if (const auto* add = std::get_if<CounterAdd>(&op)) {
    internal::AddToCounter(std::get<CounterStore>(field), context, env.actor, add->amount,
                           std::get<CounterStore>(delta), delta_context);
    return Status::Ok();
  }
  if (std::holds_alternative<FlagEnable>(op)) {
    internal::EnableFlag(std::get<FlagStore>(field), context, env.actor, std::get<FlagStore>(delta),
                         delta_context);
    return Status::Ok();
  }
  if (const auto* disable = std::get_if<FlagDisable>(&op)) {
    internal::DisableFlag(std::get<FlagStore>(field), disable->seen ? &*disable->seen : nullptr,
                          delta_context);
    return Status::Ok();
  }
  if (const auto* assign = std::get_if<RegisterAssign>(&op)) {
    return AssignField(std::get<RegisterStore>(field), context, *assign, env,
                       std::get<RegisterStore>(delta), delta_context);
  }
  return ApplyList(*std::get<Box<MapStore>>(field), context, std::get<NestedMapOps>(op).ops, env,
                   *std::get<Box<MapStore>>(delta), delta_context);
}

Status ApplyUpdate(MapStore& store, CausalContext& context, const UpdateField& update,
                   const Env& env, MapStore& delta, CausalContext& delta_context) {
  auto it = store.fields.find(update.field);
  if (it == store.fields.end()) {
    it = store.fields.emplace(update.field, internal::EmptyFieldStore(update.field.type)).first;
    env.undo->Push([at = &store, key = update.field]() { at->fields.erase(key); });
  }
  FieldStore field_delta = internal::EmptyFieldStore(update.field.type);
  Status status = ApplyToField(it->second, context, update.op, env, field_delta, delta_context);
  if (internal::IsEmpty(it->second)) EraseField(env, store, it);
  if (status.ok() && !internal::IsEmpty(field_delta)) {
    delta.fields.emplace(update.field, std::move(field_delta));
  }
  return status;
}

Status ApplyRemove(MapStore& store, const RemoveField& remove, const Env& env,
                   CausalContext& delta_context) {
  auto it = store.fields.find(remove.field);
  if (it == store.fields.end()) {
    if (remove.seen) return Status::Ok();
    return FailedPreconditionError("field is not present");
  }
  std::vector<Dot> dots;
  internal::CollectDots(it->second, dots);
  for (const Dot& d : dots) {
    if (!remove.seen || remove.seen->Contains(d)) delta_context.Add(d);
  }
  if (remove.seen) {
    it = WorkOnCopy(env, store, it);
    internal::DropSeen(it->second, *remove.seen);
  }
  if (!remove.seen || internal::IsEmpty(it->second)) EraseField(env, store, it);
  return Status::Ok();
}

Status ApplyList(MapStore& store, CausalContext& context, const std::vector<MapOp>& ops,
                 const Env& env, MapStore& delta, CausalContext& delta_context) {
  for (size_t i = 0; i < ops.size(); ++i) {
    MapStore op_delta;
    CausalContext op_context;
    Status status;
    if (const auto* update = std::get_if<UpdateField>(&ops[i].op)) {
      status = ApplyUpdate(store, context, *update, env, op_delta, op_context);
    } else {
      status = ApplyRemove(store, std::get<RemoveField>(ops[i].op), env, op_context);
    }
    if (!status.ok()) return OpError(i, ops[i], status);
    internal::JoinInto(delta, delta_context, op_delta, op_context);
    delta_context.Merge(op_context);
  }
  return Status::Ok();
}

}  // namespace

Result<Map> Map::Apply(const std::vector<MapOp>& ops, const ApplyOptions& options) {
  internal::UndoLog undo(MayFail(ops));
  const Env env{options.actor, options.clock, options.now, &undo};
  LASHUP_RETURN_IF_ERROR(CheckList(ops, env, 1));
  std::optional<CausalContext> context_before;
  if (undo.enabled()) context_before = context_;
  Map delta;
  Status status = ApplyList(store_, context_, ops, env, delta.store_, delta.context_);
  if (!status.ok()) {
    LASHUP_CHECK(undo.enabled(), "an op list judged infallible failed: " + status.ToString());
    undo.Rollback();
    context_ = std::move(*context_before);
    return status;
  }
  return delta;
}

}  // namespace lashup::crdt
