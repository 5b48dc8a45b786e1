// Sequential models of the CRDTs for crdt_props.cc: what each type must read as when no two
// operations are concurrent, written with plain containers, without dots or joins.
//
// Seen contexts: a remove that names one takes only what the remover had read. The histories
// these models describe sync every replica after every operation, so the context read after the
// E-th operation (epoch E) holds exactly the dots the first E operations made. The models tag
// every piece (set element, enable, assignment, counter entry) with the epoch of the operation
// that last wrote it, and a seen-remove takes the pieces tagged E or lower.
//
// Concurrency: when replica A removes while replica B updates, both from one synced state at
// epoch E, the join must equal "B's update, then A's remove limited to epoch E" (add-wins,
// update-beats-remove). `ModelEnv::cap` replays A's remove that way.
#ifndef LASHUP_PROPTESTS_CRDT_MODEL_H_
#define LASHUP_PROPTESTS_CRDT_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "crdt_gen.h"

namespace lashup::crdt::props {

struct ModelEnv {
  uint64_t actor = 0;  // the writer: counters keep one entry per actor
  int epoch = 0;       // the epoch the op's pieces are tagged with
  const SeenPool* pool = nullptr;
  int64_t clock_last = 0;  // the writer's HybridClock::last(); clock assignments advance it
  int64_t now = 0;         // the wall time the op runs at
  // Replaying a remove made concurrently with later ops: the remover had read only up to this
  // epoch, whatever context it named, and the remove cannot fail (it succeeded where it ran).
  std::optional<int> cap;
};

struct SetModel {
  std::map<std::string, int> elements;  // element -> epoch of its latest add
};

struct CounterPiece {
  uint64_t total = 0;  // the actor's increments minus decrements, wrapping
  int epoch = 0;
};
struct CounterModel {
  std::map<uint64_t, CounterPiece> entries;  // by actor; a removed entry restarts from 0
};

struct FlagModel {
  std::optional<int> enabled_at;  // epoch of the latest enable; none when disabled
};

struct Assignment {
  int64_t timestamp = 0;
  std::string value;
  int epoch = 0;
};
struct RegisterModel {
  std::optional<Assignment> winner;  // the greatest (timestamp, value) assigned
};

struct MapModel;
// The alternatives in CrdtType order, like FieldStore.
using FieldModel = std::variant<SetModel, CounterModel, FlagModel, RegisterModel, Box<MapModel>>;
struct MapModel {
  std::map<FieldKey, FieldModel> fields;  // present fields only: none is ever empty
};

// Applies one op (a whole list for maps) and returns the status code the library must return:
// kOk, kFailedPrecondition (removing what is absent without a seen context) or kOutOfRange (a
// clock assignment that cannot win). After a failure the model may be half-changed; the caller
// drops it.
StatusCode ApplyModel(SetModel& model, const OrSetOp& op, ModelEnv& env);
StatusCode ApplyModel(CounterModel& model, const CounterOp& op, ModelEnv& env);
StatusCode ApplyModel(FlagModel& model, const FlagOp& op, ModelEnv& env);
StatusCode ApplyModel(RegisterModel& model, const RegisterOp& op, ModelEnv& env);
StatusCode ApplyModel(MapModel& model, const MapList& list, ModelEnv& env);

// What the model reads as, in the library's value types; and what a replica reads as.
SetValue ValueOf(const SetModel& model);
int64_t ValueOf(const CounterModel& model);
bool ValueOf(const FlagModel& model);
std::optional<RegisterValue> ValueOf(const RegisterModel& model);
MapValue ValueOf(const MapModel& model);
inline SetValue ValueOf(const OrSet& state) { return state.value(); }
inline int64_t ValueOf(const Counter& state) { return state.value(); }
inline bool ValueOf(const Flag& state) { return state.value(); }
inline std::optional<RegisterValue> ValueOf(const LwwRegister& state) { return state.value(); }
inline MapValue ValueOf(const Map& state) { return state.value(); }

std::string Show(const SetValue& value);
std::string Show(int64_t value);
std::string Show(bool value);
std::string Show(const std::optional<RegisterValue>& value);
std::string Show(const MapValue& value);

// The op description and model of each CRDT type, for the generic runners.
template <typename T>
struct ModelFor;
template <>
struct ModelFor<OrSet> {
  using Op = OrSetOp;
  using Model = SetModel;
};
template <>
struct ModelFor<Counter> {
  using Op = CounterOp;
  using Model = CounterModel;
};
template <>
struct ModelFor<Flag> {
  using Op = FlagOp;
  using Model = FlagModel;
};
template <>
struct ModelFor<LwwRegister> {
  using Op = RegisterOp;
  using Model = RegisterModel;
};
template <>
struct ModelFor<Map> {
  using Op = MapList;
  using Model = MapModel;
};

}  // namespace lashup::crdt::props

#endif  // LASHUP_PROPTESTS_CRDT_MODEL_H_
