#include "crdt_model.h"

#include <algorithm>
#include <limits>
#include <sstream>
#include <tuple>

namespace lashup::crdt::props {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// The epoch a remove may take pieces up to, or none for "everything, and fail if absent".
std::optional<int> Cutoff(const ModelEnv& env, int seen) {
  std::optional<int> cutoff;
  if (seen != kNoSeen) cutoff = env.pool->EpochAt(seen);
  if (env.cap) cutoff = cutoff ? std::min(*cutoff, *env.cap) : *env.cap;
  return cutoff;
}

bool IsEmpty(const FieldModel& field);
void DropUpTo(FieldModel& field, int cutoff);

void AddElements(SetModel& set, const std::vector<int>& elements, const ModelEnv& env) {
  for (int e : elements) set.elements[ElementAt(e)] = env.epoch;
}

StatusCode RemoveElements(SetModel& set, const std::vector<int>& elements,
                          std::optional<int> cutoff) {
  if (!cutoff) {
    for (int e : elements) {
      if (!set.elements.count(ElementAt(e))) return StatusCode::kFailedPrecondition;
    }
  }
  for (int e : elements) {
    auto it = set.elements.find(ElementAt(e));
    if (it != set.elements.end() && (!cutoff || it->second <= *cutoff)) set.elements.erase(it);
  }
  return StatusCode::kOk;
}

void AddToCounter(CounterModel& counter, uint64_t amount, const ModelEnv& env) {
  CounterPiece& piece = counter.entries[env.actor];
  piece.total += amount;
  piece.epoch = env.epoch;
}

void Disable(FlagModel& flag, std::optional<int> cutoff) {
  if (!cutoff || (flag.enabled_at && *flag.enabled_at <= *cutoff)) flag.enabled_at.reset();
}

// HybridClock::Next as its header states it: max(wall time, last + 1, at_least), saturating.
int64_t ClockNext(ModelEnv& env, int64_t at_least) {
  const int64_t after_last = env.clock_last == kMax ? kMax : env.clock_last + 1;
  env.clock_last = std::max({env.now, after_last, at_least});
  return env.clock_last;
}

// An explicit timestamp that loses changes nothing (the LWW rule). A clock assignment asks for
// one past the current winner, so that it wins; at INT64_MAX the clock saturates, and one that
// still loses on its value bytes fails with kOutOfRange (lww_register.h).
StatusCode Assign(RegisterModel& reg, std::string value, std::optional<int64_t> timestamp,
                  ModelEnv& env) {
  const bool by_clock = !timestamp;
  if (by_clock) {
    int64_t at_least = kMin;
    if (reg.winner) at_least = reg.winner->timestamp == kMax ? kMax : reg.winner->timestamp + 1;
    timestamp = ClockNext(env, at_least);
  }
  if (reg.winner &&
      std::tie(*timestamp, value) <= std::tie(reg.winner->timestamp, reg.winner->value)) {
    return by_clock ? StatusCode::kOutOfRange : StatusCode::kOk;
  }
  reg.winner = Assignment{*timestamp, std::move(value), env.epoch};
  return StatusCode::kOk;
}

StatusCode ApplyList(MapModel& map, const std::vector<MapOpSpec>& ops, ModelEnv& env);

FieldModel EmptyField(CrdtType type) {
  switch (type) {
    case CrdtType::kOrSet:
      return SetModel{};
    case CrdtType::kCounter:
      return CounterModel{};
    case CrdtType::kFlag:
      return FlagModel{};
    case CrdtType::kRegister:
      return RegisterModel{};
    case CrdtType::kMap:
      break;
  }
  return Box<MapModel>();
}

bool IsEmpty(const FieldModel& field) {
  if (const auto* set = std::get_if<SetModel>(&field)) return set->elements.empty();
  if (const auto* counter = std::get_if<CounterModel>(&field)) return counter->entries.empty();
  if (const auto* flag = std::get_if<FlagModel>(&field)) return !flag->enabled_at;
  if (const auto* reg = std::get_if<RegisterModel>(&field)) return !reg->winner;
  return std::get<Box<MapModel>>(field)->fields.empty();
}

void DropUpTo(MapModel& map, int cutoff) {
  for (auto it = map.fields.begin(); it != map.fields.end();) {
    DropUpTo(it->second, cutoff);
    it = IsEmpty(it->second) ? map.fields.erase(it) : std::next(it);
  }
}

void DropUpTo(FieldModel& field, int cutoff) {
  if (auto* set = std::get_if<SetModel>(&field)) {
    std::erase_if(set->elements, [cutoff](const auto& e) { return e.second <= cutoff; });
  } else if (auto* counter = std::get_if<CounterModel>(&field)) {
    std::erase_if(counter->entries, [cutoff](const auto& e) { return e.second.epoch <= cutoff; });
  } else if (auto* flag = std::get_if<FlagModel>(&field)) {
    Disable(*flag, cutoff);
  } else if (auto* reg = std::get_if<RegisterModel>(&field)) {
    if (reg->winner && reg->winner->epoch <= cutoff) reg->winner.reset();
  } else {
    DropUpTo(*std::get<Box<MapModel>>(field), cutoff);
  }
}

StatusCode RemoveField(MapModel& map, const FieldKey& key, std::optional<int> cutoff) {
  auto it = map.fields.find(key);
  if (it == map.fields.end()) return cutoff ? StatusCode::kOk : StatusCode::kFailedPrecondition;
  if (cutoff) DropUpTo(it->second, *cutoff);
  if (!cutoff || IsEmpty(it->second)) map.fields.erase(it);
  return StatusCode::kOk;
}

StatusCode UpdateField(FieldModel& field, const MapOpSpec& op, ModelEnv& env) {
  switch (op.kind) {
    case MapOpSpec::kSetAdd:
      AddElements(std::get<SetModel>(field), op.elements, env);
      return StatusCode::kOk;
    case MapOpSpec::kSetRemove:
      return RemoveElements(std::get<SetModel>(field), op.elements, Cutoff(env, op.seen));
    case MapOpSpec::kCounterAdd:
      AddToCounter(std::get<CounterModel>(field), static_cast<uint64_t>(op.amount), env);
      return StatusCode::kOk;
    case MapOpSpec::kFlagEnable:
      std::get<FlagModel>(field).enabled_at = env.epoch;
      return StatusCode::kOk;
    case MapOpSpec::kFlagDisable:
      Disable(std::get<FlagModel>(field), Cutoff(env, op.seen));
      return StatusCode::kOk;
    case MapOpSpec::kAssign:
      return Assign(std::get<RegisterModel>(field),
                    std::string(kValues.at(static_cast<size_t>(op.value))), op.timestamp, env);
    case MapOpSpec::kNested:
      return ApplyList(*std::get<Box<MapModel>>(field), op.nested, env);
    case MapOpSpec::kRemoveField:
      break;
  }
  return StatusCode::kInternal;
}

// An update creates its field if absent; a field left empty is absent (map.h).
StatusCode ApplyOne(MapModel& map, const MapOpSpec& op, ModelEnv& env) {
  const FieldKey key = op.key();
  if (op.kind == MapOpSpec::kRemoveField) return RemoveField(map, key, Cutoff(env, op.seen));
  auto it = map.fields.find(key);
  if (it == map.fields.end()) it = map.fields.emplace(key, EmptyField(key.type)).first;
  const StatusCode code = UpdateField(it->second, op, env);
  if (IsEmpty(it->second)) map.fields.erase(it);
  return code;
}

// The first failure fails the list (Map::Apply is all or nothing; the caller drops the model).
StatusCode ApplyList(MapModel& map, const std::vector<MapOpSpec>& ops, ModelEnv& env) {
  for (const MapOpSpec& op : ops) {
    const StatusCode code = ApplyOne(map, op, env);
    if (code != StatusCode::kOk) return code;
  }
  return StatusCode::kOk;
}

Value FieldValue(const FieldModel& field) {
  if (const auto* set = std::get_if<SetModel>(&field)) return Value{ValueOf(*set)};
  if (const auto* counter = std::get_if<CounterModel>(&field)) return Value{ValueOf(*counter)};
  if (const auto* flag = std::get_if<FlagModel>(&field)) return Value{ValueOf(*flag)};
  if (const auto* reg = std::get_if<RegisterModel>(&field)) return Value{*ValueOf(*reg)};
  return Value{ValueOf(*std::get<Box<MapModel>>(field))};
}

}  // namespace

StatusCode ApplyModel(SetModel& model, const OrSetOp& op, ModelEnv& env) {
  const std::vector<int> first = {op.elements.at(0)};
  switch (op.kind) {
    case OrSetOp::kAdd:
      AddElements(model, first, env);
      return StatusCode::kOk;
    case OrSetOp::kAddAll:
      AddElements(model, op.elements, env);
      return StatusCode::kOk;
    case OrSetOp::kRemove:
      return RemoveElements(model, first, Cutoff(env, kNoSeen));
    case OrSetOp::kRemoveAll:
      return RemoveElements(model, op.elements, Cutoff(env, kNoSeen));
    case OrSetOp::kRemoveSeen:
      return RemoveElements(model, op.elements, Cutoff(env, op.seen));
  }
  return StatusCode::kInternal;
}

StatusCode ApplyModel(CounterModel& model, const CounterOp& op, ModelEnv& env) {
  const auto amount = static_cast<uint64_t>(op.amount);
  AddToCounter(model, op.decrement ? uint64_t{0} - amount : amount, env);
  return StatusCode::kOk;
}

StatusCode ApplyModel(FlagModel& model, const FlagOp& op, ModelEnv& env) {
  if (op.enable) {
    model.enabled_at = env.epoch;
  } else {
    Disable(model, Cutoff(env, op.seen));
  }
  return StatusCode::kOk;
}

StatusCode ApplyModel(RegisterModel& model, const RegisterOp& op, ModelEnv& env) {
  env.now = op.now;
  return Assign(model, std::string(kValues.at(static_cast<size_t>(op.value))), op.timestamp, env);
}

StatusCode ApplyModel(MapModel& model, const MapList& list, ModelEnv& env) {
  env.now = list.now;
  return ApplyList(model, list.ops, env);
}

SetValue ValueOf(const SetModel& model) {
  SetValue out;
  for (const auto& entry : model.elements) out.push_back(entry.first);
  return out;
}

int64_t ValueOf(const CounterModel& model) {
  uint64_t sum = 0;
  for (const auto& entry : model.entries) sum += entry.second.total;
  return static_cast<int64_t>(sum);
}

bool ValueOf(const FlagModel& model) { return model.enabled_at.has_value(); }

std::optional<RegisterValue> ValueOf(const RegisterModel& model) {
  if (!model.winner) return std::nullopt;
  return RegisterValue{model.winner->value, model.winner->timestamp};
}

MapValue ValueOf(const MapModel& model) {
  MapValue out;
  for (const auto& [key, field] : model.fields) out.entries.push_back({key, FieldValue(field)});
  return out;
}

std::string Show(const SetValue& value) {
  std::string out = "{";
  for (size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + Quote(value[i]);
  return out + "}";
}

std::string Show(int64_t value) { return std::to_string(value); }

std::string Show(bool value) { return value ? "true" : "false"; }

std::string Show(const std::optional<RegisterValue>& value) {
  if (!value) return "unassigned";
  return Quote(value->value) + "@" + std::to_string(value->timestamp);
}

std::string Show(const MapValue& value) { return ToString(value); }

}  // namespace lashup::crdt::props
