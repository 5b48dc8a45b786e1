#include "crdt_gen.h"

#include <cstdio>
#include <limits>
#include <sstream>

namespace lashup::crdt::props {
namespace {

using rc::Gen;
namespace gen = rc::gen;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Short dots for readable counterexamples: "1:3", "ffffffffffffffff:1".
std::string ShortActor(ActorId actor) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(actor.value()));
  return buf;
}

void WriteDot(std::ostream& os, const Dot& dot) {
  os << ShortActor(dot.actor) << ':' << dot.counter;
}

// DotList or the context's cloud.
template <typename Dots>
void WriteDots(std::ostream& os, const Dots& dots) {
  os << '[';
  for (size_t i = 0; i < dots.size(); ++i) {
    if (i > 0) os << ' ';
    WriteDot(os, dots[i]);
  }
  os << ']';
}

void WriteContext(std::ostream& os, const CausalContext& context) {
  os << " ctx{";
  const auto& entries = context.compact().entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    os << (i ? " " : "") << ShortActor(entries[i].first) << ':' << entries[i].second;
  }
  os << '}';
  if (!context.cloud().empty()) WriteDots(os, context.cloud());
}

void Write(std::ostream& os, const OrSetStore& store) {
  os << "set{";
  for (const auto& [element, dots] : store.entries) {
    os << Quote(element);
    WriteDots(os, dots);
    os << ' ';
  }
  os << '}';
}

void Write(std::ostream& os, const CounterStore& store) {
  os << "counter{";
  for (const auto& [dot, entry] : store.entries) {
    WriteDot(os, dot);
    os << "=+" << entry.increments << '-' << entry.decrements << ' ';
  }
  os << '}';
}

void Write(std::ostream& os, const FlagStore& store) {
  os << "flag";
  WriteDots(os, store.dots);
}

void Write(std::ostream& os, const RegisterStore& store) {
  os << "register{";
  for (const auto& [dot, entry] : store.entries) {
    WriteDot(os, dot);
    os << '=' << Quote(entry.value) << '@' << entry.timestamp << ' ';
  }
  os << '}';
}

void Write(std::ostream& os, const MapStore& store) {
  os << "map{";
  for (const auto& [key, field] : store.fields) {
    os << key.name << ':';
    std::visit(
        [&os](const auto& s) {
          if constexpr (std::is_same_v<std::decay_t<decltype(s)>, Box<MapStore>>) {
            Write(os, *s);
          } else {
            Write(os, s);
          }
        },
        field);
    os << ' ';
  }
  os << '}';
}

template <typename T>
std::string ShowState(const T& state) {
  std::ostringstream os;
  Write(os, state.store());
  WriteContext(os, state.context());
  return os.str();
}

const char* KindName(MapOpSpec::Kind kind) {
  switch (kind) {
    case MapOpSpec::kSetAdd:
      return "add";
    case MapOpSpec::kSetRemove:
      return "remove";
    case MapOpSpec::kCounterAdd:
      return "increment";
    case MapOpSpec::kFlagEnable:
      return "enable";
    case MapOpSpec::kFlagDisable:
      return "disable";
    case MapOpSpec::kAssign:
      return "assign";
    case MapOpSpec::kNested:
      return "update";
    case MapOpSpec::kRemoveField:
      return "remove-field";
  }
  return "?";
}

void WriteElements(std::ostream& os, const std::vector<int>& elements) {
  os << '(';
  for (size_t i = 0; i < elements.size(); ++i)
    os << (i ? "," : "") << Quote(ElementAt(elements[i]));
  os << ')';
}

void WriteSeen(std::ostream& os, int seen) {
  if (seen != kNoSeen) os << " seen#" << seen;
}

void WriteTimestamp(std::ostream& os, const std::optional<int64_t>& timestamp) {
  if (timestamp) {
    os << '@' << *timestamp;
  } else {
    os << "@clock";
  }
}

// Generators of the pieces ops are made of.

Gen<uint64_t> GenActorValue() {
  return gen::weightedOneOf<uint64_t>({{4, gen::inRange<uint64_t>(1, 8)},
                                       {1, gen::element<uint64_t>(0, ~uint64_t{0}, ~uint64_t{1})},
                                       {1, gen::arbitrary<uint64_t>()}});
}

// 1..3 elements; shrinks by dropping some. The elements are picked at full size because
// rapidcheck scales inRange by size.
template <typename T>
Gen<std::vector<T>> GenOneToThree(Gen<T> element) {
  return gen::nonEmpty(gen::resize(3, gen::container<std::vector<T>>(gen::resize(100, element))));
}

Gen<std::vector<int>> GenElements() {
  return GenOneToThree(gen::inRange(0, static_cast<int>(kElements.size())));
}

// Small amounts keep sums readable; the extremes check that counters wrap instead of overflowing.
Gen<int64_t> GenAmount() {
  return gen::weightedOneOf<int64_t>({{4, gen::inRange<int64_t>(-3, 5)},
                                      {1, gen::element(kMin, kMax, kMin + 1)},
                                      {1, gen::arbitrary<int64_t>()}});
}

// Timestamps and wall times from one small range, so explicit and clock-made timestamps tie
// often; the extremes, rare because INT64_MAX pins a register for good, check the clock's
// saturation.
Gen<int64_t> GenTimestamp() {
  return gen::weightedOneOf<int64_t>(
      {{40, gen::inRange<int64_t>(-2, 8)}, {1, gen::element(kMin, kMax, kMax - 1)}});
}

Gen<std::optional<int64_t>> GenOptionalTimestamp() {
  return gen::weightedOneOf<std::optional<int64_t>>(
      {{1, gen::just(std::optional<int64_t>())},
       {2, gen::map(GenTimestamp(), [](int64_t t) { return std::optional<int64_t>(t); })}});
}

Gen<int64_t> GenNow() {
  return gen::weightedOneOf<int64_t>(
      {{6, gen::inRange<int64_t>(0, 8)}, {1, gen::inRange<int64_t>(-1000, 1000)}});
}

Gen<MapOpSpec> GenMapOp(int depth, Mode mode);

Gen<std::vector<MapOpSpec>> GenMapOps(int depth, Mode mode) {
  return GenOneToThree(GenMapOp(depth, mode));
}

// The kinds of op on a field of `type`, field removal aside.
std::vector<MapOpSpec::Kind> KindsFor(CrdtType type, int depth, Mode mode) {
  const bool updates = mode != Mode::kRemovesOnly;
  const bool removes = mode != Mode::kAdditive;
  std::vector<MapOpSpec::Kind> kinds;
  switch (type) {
    case CrdtType::kOrSet:
      if (updates) kinds.push_back(MapOpSpec::kSetAdd);
      if (removes) kinds.push_back(MapOpSpec::kSetRemove);
      break;
    case CrdtType::kCounter:
      if (updates) kinds.push_back(MapOpSpec::kCounterAdd);
      break;
    case CrdtType::kFlag:
      if (updates) kinds.push_back(MapOpSpec::kFlagEnable);
      if (removes) kinds.push_back(MapOpSpec::kFlagDisable);
      break;
    case CrdtType::kRegister:
      if (updates) kinds.push_back(MapOpSpec::kAssign);
      break;
    case CrdtType::kMap:
      if (depth < kMaxDepth) kinds.push_back(MapOpSpec::kNested);
      break;
  }
  return kinds;
}

// Field removals are rarer than the other kinds, so that fields live long enough to grow.
Gen<MapOpSpec::Kind> GenKind(CrdtType type, int depth, Mode mode) {
  const std::vector<MapOpSpec::Kind> kinds = KindsFor(type, depth, mode);
  if (mode == Mode::kAdditive) return gen::elementOf(kinds);
  if (kinds.empty()) return gen::just(MapOpSpec::kRemoveField);
  return gen::weightedOneOf<MapOpSpec::Kind>(
      {{3, gen::elementOf(kinds)}, {1, gen::just(MapOpSpec::kRemoveField)}});
}

// Fills in the fields `kind` uses; the others keep their defaults so printing stays short.
Gen<MapOpSpec> GenOfKind(MapOpSpec base, int depth, Mode mode) {
  switch (base.kind) {
    case MapOpSpec::kSetAdd:
      return gen::map(GenElements(), [base](std::vector<int> elements) {
        MapOpSpec op = base;
        op.elements = std::move(elements);
        return op;
      });
    case MapOpSpec::kSetRemove:
      return gen::map(gen::pair(GenElements(), GenSeen()), [base](auto elements_and_seen) {
        MapOpSpec op = base;
        op.elements = std::move(elements_and_seen.first);
        op.seen = elements_and_seen.second;
        return op;
      });
    case MapOpSpec::kCounterAdd:
      return gen::map(GenAmount(), [base](int64_t amount) {
        MapOpSpec op = base;
        op.amount = amount;
        return op;
      });
    case MapOpSpec::kFlagEnable:
      return gen::just(base);
    case MapOpSpec::kFlagDisable:
    case MapOpSpec::kRemoveField:
      return gen::map(GenSeen(), [base](int seen) {
        MapOpSpec op = base;
        op.seen = seen;
        return op;
      });
    case MapOpSpec::kAssign: {
      // Additive lists take clock timestamps, which win over what the writer has.
      auto timestamps =
          mode == Mode::kAdditive ? gen::just(std::optional<int64_t>()) : GenOptionalTimestamp();
      return gen::map(gen::pair(gen::inRange(0, static_cast<int>(kValues.size())), timestamps),
                      [base](std::pair<int, std::optional<int64_t>> assignment) {
                        MapOpSpec op = base;
                        op.value = assignment.first;
                        op.timestamp = assignment.second;
                        return op;
                      });
    }
    case MapOpSpec::kNested:
      return gen::map(GenMapOps(depth + 1, mode), [base](std::vector<MapOpSpec> nested) {
        MapOpSpec op = base;
        op.nested = std::move(nested);
        return op;
      });
  }
  return gen::just(base);
}

Gen<MapOpSpec> GenMapOp(int depth, Mode mode) {
  std::vector<int> types = {1, 2, 3, 4, 5};
  // An additive op on a map field needs room for a nested level.
  if (mode == Mode::kAdditive && depth >= kMaxDepth) types.pop_back();
  return gen::mapcat(
      gen::pair(gen::inRange(0, static_cast<int>(kNames.size())), gen::elementOf(types)),
      [depth, mode](std::pair<int, int> name_and_type) {
        const FieldRef field{name_and_type.first, static_cast<CrdtType>(name_and_type.second)};
        return GenMapOpOn(field, depth, mode);
      });
}

}  // namespace

std::string ElementAt(int index) { return std::string(kElements.at(static_cast<size_t>(index))); }

std::vector<std::string> ElementsAt(const std::vector<int>& indices) {
  std::vector<std::string> out;
  out.reserve(indices.size());
  for (int i : indices) out.push_back(ElementAt(i));
  return out;
}

std::string Quote(std::string_view bytes) {
  std::string out = "\"";
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '"' && c != '\\') {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", byte);
      out += buf;
    }
  }
  return out + "\"";
}

void SeenPool::Push(CausalContext context, int epoch) {
  contexts_.push_back(std::move(context));
  epochs_.push_back(epoch);
}

std::optional<CausalContext> SeenPool::Resolve(int ref) const {
  if (ref == kNoSeen) return std::nullopt;
  return At(ref);
}

size_t SeenPool::Index(int ref) const {
  return contexts_.size() - 1 - static_cast<size_t>(ref) % contexts_.size();
}

std::ostream& operator<<(std::ostream& os, const OrSetOp& op) {
  static constexpr const char* kKinds[] = {"add", "add-all", "remove", "remove-all", "remove-seen"};
  os << kKinds[op.kind];
  if (op.kind == OrSetOp::kAdd || op.kind == OrSetOp::kRemove) {
    os << '(' << Quote(ElementAt(op.elements.at(0))) << ')';
  } else {
    WriteElements(os, op.elements);
  }
  if (op.kind == OrSetOp::kRemoveSeen) os << " seen#" << op.seen;
  return os;
}

std::ostream& operator<<(std::ostream& os, const CounterOp& op) {
  return os << (op.decrement ? "decrement(" : "add(") << op.amount << ')';
}

std::ostream& operator<<(std::ostream& os, const FlagOp& op) {
  os << (op.enable ? "enable" : "disable");
  if (!op.enable) WriteSeen(os, op.seen);
  return os;
}

std::ostream& operator<<(std::ostream& os, const RegisterOp& op) {
  os << "assign(" << Quote(kValues.at(static_cast<size_t>(op.value)));
  WriteTimestamp(os, op.timestamp);
  if (!op.timestamp) os << " now=" << op.now;
  return os << ')';
}

std::ostream& operator<<(std::ostream& os, const MapOpSpec& op) {
  os << KindName(op.kind) << ' ' << kNames.at(static_cast<size_t>(op.name)) << ':'
     << CrdtTypeName(op.type);
  switch (op.kind) {
    case MapOpSpec::kSetAdd:
      WriteElements(os, op.elements);
      break;
    case MapOpSpec::kSetRemove:
      WriteElements(os, op.elements);
      WriteSeen(os, op.seen);
      break;
    case MapOpSpec::kCounterAdd:
      os << '(' << op.amount << ')';
      break;
    case MapOpSpec::kFlagDisable:
    case MapOpSpec::kRemoveField:
      WriteSeen(os, op.seen);
      break;
    case MapOpSpec::kAssign:
      os << '(' << Quote(kValues.at(static_cast<size_t>(op.value)));
      WriteTimestamp(os, op.timestamp);
      os << ')';
      break;
    case MapOpSpec::kNested:
      os << " [";
      for (size_t i = 0; i < op.nested.size(); ++i) os << (i ? "; " : "") << op.nested[i];
      os << ']';
      break;
    case MapOpSpec::kFlagEnable:
      break;
  }
  return os;
}

std::ostream& operator<<(std::ostream& os, const FieldRef& field) {
  return os << field.Name() << ':' << CrdtTypeName(field.type);
}

std::ostream& operator<<(std::ostream& os, const MapList& list) {
  os << "apply[";
  for (size_t i = 0; i < list.ops.size(); ++i) os << (i ? "; " : "") << list.ops[i];
  return os << "] now=" << list.now;
}

Gen<std::vector<ActorId>> GenActors(int min, int max) {
  return gen::mapcat(gen::inRange(min, max + 1), [](int n) {
    return gen::map(gen::unique<std::vector<uint64_t>>(static_cast<size_t>(n), GenActorValue()),
                    [](const std::vector<uint64_t>& values) {
                      std::vector<ActorId> actors;
                      for (uint64_t v : values) actors.emplace_back(v);
                      return actors;
                    });
  });
}

Gen<int> GenSeen() {
  return gen::weightedOneOf<int>({{1, gen::just(kNoSeen)}, {2, gen::inRange(0, 4)}});
}

Gen<FieldRef> GenFieldRef() {
  return gen::build<FieldRef>(
      gen::set(&FieldRef::name, gen::inRange(0, static_cast<int>(kNames.size()))),
      gen::set(&FieldRef::type,
               gen::map(gen::inRange(1, 6), [](int t) { return static_cast<CrdtType>(t); })));
}

Gen<OrSetOp> GenOrSetOp() {
  return gen::build<OrSetOp>(
      gen::set(&OrSetOp::kind, gen::weightedElement<OrSetOp::Kind>({{3, OrSetOp::kAdd},
                                                                    {2, OrSetOp::kAddAll},
                                                                    {2, OrSetOp::kRemove},
                                                                    {1, OrSetOp::kRemoveAll},
                                                                    {2, OrSetOp::kRemoveSeen}})),
      gen::set(&OrSetOp::elements, GenElements()), gen::set(&OrSetOp::seen, gen::inRange(0, 4)));
}

Gen<CounterOp> GenCounterOp() {
  return gen::build<CounterOp>(gen::set(&CounterOp::amount, GenAmount()),
                               gen::set(&CounterOp::decrement));
}

Gen<FlagOp> GenFlagOp() {
  return gen::build<FlagOp>(gen::set(&FlagOp::enable), gen::set(&FlagOp::seen, GenSeen()));
}

Gen<RegisterOp> GenRegisterOp() {
  return gen::build<RegisterOp>(
      gen::set(&RegisterOp::value, gen::inRange(0, static_cast<int>(kValues.size()))),
      gen::set(&RegisterOp::timestamp, GenOptionalTimestamp()),
      gen::set(&RegisterOp::now, GenNow()));
}

Gen<MapList> GenMapList(Mode mode) {
  return gen::build<MapList>(gen::set(&MapList::ops, GenMapOps(1, mode)),
                             gen::set(&MapList::now, GenNow()));
}

Gen<MapOpSpec> GenMapOpOn(const FieldRef& field, int depth, Mode mode) {
  return gen::mapcat(GenKind(field.type, depth, mode), [field, depth, mode](MapOpSpec::Kind kind) {
    MapOpSpec base;
    base.kind = kind;
    base.name = field.name;
    base.type = field.type;
    return GenOfKind(std::move(base), depth, mode);
  });
}

Result<OrSet> ApplyOp(Replica<OrSet>& replica, const OrSetOp& op, const SeenPool& pool) {
  OrSet& set = replica.state;
  switch (op.kind) {
    case OrSetOp::kAdd:
      return set.Add(replica.actor, ElementAt(op.elements.at(0)));
    case OrSetOp::kAddAll:
      return set.AddAll(replica.actor, ElementsAt(op.elements));
    case OrSetOp::kRemove:
      return set.Remove(ElementAt(op.elements.at(0)));
    case OrSetOp::kRemoveAll:
      return set.RemoveAll(ElementsAt(op.elements));
    case OrSetOp::kRemoveSeen:
      return set.RemoveSeen(ElementsAt(op.elements), pool.At(op.seen));
  }
  return InternalError("unknown OrSetOp kind");
}

Result<Counter> ApplyOp(Replica<Counter>& replica, const CounterOp& op, const SeenPool&) {
  if (op.decrement) return replica.state.Decrement(replica.actor, op.amount);
  return replica.state.Add(replica.actor, op.amount);
}

Result<Flag> ApplyOp(Replica<Flag>& replica, const FlagOp& op, const SeenPool& pool) {
  if (op.enable) return replica.state.Enable(replica.actor);
  return replica.state.Disable(pool.Resolve(op.seen));
}

Result<LwwRegister> ApplyOp(Replica<LwwRegister>& replica, const RegisterOp& op, const SeenPool&) {
  std::string value(kValues.at(static_cast<size_t>(op.value)));
  if (op.timestamp) return replica.state.Assign(replica.actor, std::move(value), *op.timestamp);
  return replica.state.AssignNow(replica.actor, std::move(value), replica.clock,
                                 WallTimeFromNanos(op.now));
}

Result<Map> ApplyOp(Replica<Map>& replica, const MapList& list, const SeenPool& pool) {
  const ApplyOptions options{replica.actor, &replica.clock, WallTimeFromNanos(list.now)};
  return replica.state.Apply(ToMapOps(list.ops, pool), options);
}

std::vector<MapOp> ToMapOps(const std::vector<MapOpSpec>& specs, const SeenPool& pool) {
  std::vector<MapOp> out;
  out.reserve(specs.size());
  for (const MapOpSpec& spec : specs) {
    std::string name(kNames.at(static_cast<size_t>(spec.name)));
    switch (spec.kind) {
      case MapOpSpec::kSetAdd:
        out.push_back(ops::AddAll(std::move(name), ElementsAt(spec.elements)));
        break;
      case MapOpSpec::kSetRemove:
        out.push_back(
            ops::RemoveAll(std::move(name), ElementsAt(spec.elements), pool.Resolve(spec.seen)));
        break;
      case MapOpSpec::kCounterAdd:
        out.push_back(ops::Increment(std::move(name), spec.amount));
        break;
      case MapOpSpec::kFlagEnable:
        out.push_back(ops::Enable(std::move(name)));
        break;
      case MapOpSpec::kFlagDisable:
        out.push_back(ops::Disable(std::move(name), pool.Resolve(spec.seen)));
        break;
      case MapOpSpec::kAssign:
        out.push_back(ops::Assign(std::move(name),
                                  std::string(kValues.at(static_cast<size_t>(spec.value))),
                                  spec.timestamp));
        break;
      case MapOpSpec::kNested:
        out.push_back(ops::Update(std::move(name), ToMapOps(spec.nested, pool)));
        break;
      case MapOpSpec::kRemoveField:
        out.push_back(ops::RemoveField(std::move(name), spec.type, pool.Resolve(spec.seen)));
        break;
    }
  }
  return out;
}

std::string Show(const OrSet& state) { return ShowState(state); }
std::string Show(const Counter& state) { return ShowState(state); }
std::string Show(const Flag& state) { return ShowState(state); }
std::string Show(const LwwRegister& state) { return ShowState(state); }
std::string Show(const Map& state) { return ShowState(state); }

}  // namespace lashup::crdt::props
