// Map::Apply: an operation list, all or nothing. The list is validated first (types, shapes,
// nesting), so only preconditions (removing what is absent) can fail while applying; when the
// list has such an op, the top-level fields it touches are saved first and put back on failure.
// Each op's delta is joined into the list's delta, so an op that undoes an earlier one in the
// same list (add then remove) leaves the delta exactly as the state.
#include <map>
#include <optional>

#include "core/check.h"
#include "crdt/mutators.h"
#include "crdt/store_dots.h"
#include "crdt/text.h"
#include "lashup/crdt/map.h"

namespace lashup::crdt {
namespace {

struct Env {
  ActorId actor;
  HybridClock* clock;
  WallTime now;
};

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
    if (update == nullptr) continue;
    Status status = CheckUpdate(*update, env, depth);
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
    if (const auto* nested = std::get_if<NestedMapOps>(&field_op); nested && MayFail(nested->ops)) {
      return true;
    }
  }
  return false;
}

const FieldKey& KeyOf(const MapOp& op) {
  if (const auto* remove = std::get_if<RemoveField>(&op.op)) return remove->field;
  return std::get<UpdateField>(op.op).field;
}

Status ApplyList(MapStore& store, CausalContext& context, const std::vector<MapOp>& ops,
                 const Env& env, MapStore& delta, CausalContext& delta_context);

Status RemoveElements(OrSetStore& set, const SetRemove& remove, CausalContext& delta_context) {
  if (!remove.seen) {
    for (const std::string& e : remove.elements) {
      if (set.entries.find(e) == set.entries.end()) {
        return FailedPreconditionError("element " + internal::Quote(e, internal::kShownInErrors) +
                                       " is not present");
      }
    }
  }
  const CausalContext* seen = remove.seen ? &*remove.seen : nullptr;
  for (const std::string& e : remove.elements) internal::RemoveElement(set, e, seen, delta_context);
  return Status::Ok();
}

Status AssignField(RegisterStore& reg, CausalContext& context, const RegisterAssign& assign,
                   const Env& env, RegisterStore& delta, CausalContext& delta_context) {
  const int64_t timestamp = assign.timestamp
                                ? *assign.timestamp
                                : env.clock->Next(env.now, internal::TimestampToWin(reg));
  internal::AssignRegister(reg, context, env.actor, RegisterEntry{timestamp, assign.value}, delta,
                           delta_context);
  return Status::Ok();
}

Status ApplyToField(FieldStore& field, CausalContext& context, const FieldOp& op, const Env& env,
                    FieldStore& delta, CausalContext& delta_context) {
  if (const auto* add = std::get_if<SetAdd>(&op)) {
    auto& set = std::get<OrSetStore>(field);
    auto& set_delta = std::get<OrSetStore>(delta);
    for (const std::string& e : add->elements) {
      internal::AddElement(set, context, env.actor, e, set_delta, delta_context);
    }
    return Status::Ok();
  }
  if (const auto* remove = std::get_if<SetRemove>(&op)) {
    return RemoveElements(std::get<OrSetStore>(field), *remove, delta_context);
  }
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
  }
  FieldStore field_delta = internal::EmptyFieldStore(update.field.type);
  Status status = ApplyToField(it->second, context, update.op, env, field_delta, delta_context);
  if (internal::IsEmpty(it->second)) store.fields.erase(it);
  if (status.ok() && !internal::IsEmpty(field_delta)) {
    delta.fields.emplace(update.field, std::move(field_delta));
  }
  return status;
}

Status ApplyRemove(MapStore& store, const RemoveField& remove, CausalContext& delta_context) {
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
  if (remove.seen) internal::DropSeen(it->second, *remove.seen);
  if (!remove.seen || internal::IsEmpty(it->second)) store.fields.erase(it);
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
      status = ApplyRemove(store, std::get<RemoveField>(ops[i].op), op_context);
    }
    if (!status.ok()) return OpError(i, ops[i], status);
    internal::JoinInto(delta, delta_context, op_delta, op_context);
    delta_context.Merge(op_context);
  }
  return Status::Ok();
}

// The top-level fields an op list touches and the context, as they were before it.
class Snapshot {
 public:
  Snapshot(const MapStore& store, const CausalContext& context, const std::vector<MapOp>& ops)
      : context_(context) {
    for (const MapOp& op : ops) {
      const FieldKey& key = KeyOf(op);
      if (saved_.count(key)) continue;
      auto it = store.fields.find(key);
      saved_.emplace(
          key, it == store.fields.end() ? std::nullopt : std::optional<FieldStore>(it->second));
    }
  }

  void Restore(MapStore& store, CausalContext& context) {
    for (auto& [key, field] : saved_) {
      if (field) {
        store.fields.insert_or_assign(key, std::move(*field));
      } else {
        store.fields.erase(key);
      }
    }
    context = std::move(context_);
  }

 private:
  std::map<FieldKey, std::optional<FieldStore>> saved_;
  CausalContext context_;
};

}  // namespace

Result<Map> Map::Apply(const std::vector<MapOp>& ops, const ApplyOptions& options) {
  const Env env{options.actor, options.clock, options.now};
  LASHUP_RETURN_IF_ERROR(CheckList(ops, env, 1));
  std::optional<Snapshot> snapshot;
  if (MayFail(ops)) snapshot.emplace(store_, context_, ops);
  Map delta;
  Status status = ApplyList(store_, context_, ops, env, delta.store_, delta.context_);
  if (!status.ok()) {
    LASHUP_CHECK(snapshot.has_value(), "an op list judged infallible failed: " + status.ToString());
    snapshot->Restore(store_, context_);
    return status;
  }
  return delta;
}

}  // namespace lashup::crdt
