// Operation descriptions, generators and printers for the CRDT property tests (crdt_props.cc).
//
// Operations are generated as small plain descriptions (indices into fixed alphabets, references
// into the pool of contexts read so far) rather than as library values: rapidcheck can shrink and
// print them, and the models in crdt_model.h interpret the very same description the library is
// given, so a counterexample reads as a short script.
#ifndef LASHUP_PROPTESTS_CRDT_GEN_H_
#define LASHUP_PROPTESTS_CRDT_GEN_H_

#include <rapidcheck.h>

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "lashup/crdt/counter.h"
#include "lashup/crdt/flag.h"
#include "lashup/crdt/hybrid_clock.h"
#include "lashup/crdt/lww_register.h"
#include "lashup/crdt/map.h"
#include "lashup/crdt/orset.h"

namespace lashup::crdt::props {

// Few distinct values, so that operations keep colliding on them; the empty string and bytes
// above 0x7f catch ordering mistakes (register ties are broken by unsigned byte order).
inline constexpr std::array<std::string_view, 4> kElements = {"x", "y", "", "\xff"};
inline constexpr std::array<std::string_view, 2> kNames = {"a", "b"};
inline constexpr std::array<std::string_view, 4> kValues = {"", "p", "q", "\xfe"};
// Top-level fields are depth 1; three levels exercise nested joins without making states big.
inline constexpr int kMaxDepth = 3;
// A `seen` reference meaning "no context": the remove takes everything the replica has.
inline constexpr int kNoSeen = -1;

std::string ElementAt(int index);
std::vector<std::string> ElementsAt(const std::vector<int>& indices);
// Printable and unambiguous: "x", "\xff".
std::string Quote(std::string_view bytes);

// The contexts replicas have read, oldest first, each with the epoch it was read at (the number
// of operations applied by then). An op's `seen` counts back from the newest (0 is the context a
// replica has right now), modulo the pool's size, so every generated reference is valid.
class SeenPool {
 public:
  SeenPool() { Push(CausalContext(), 0); }
  void Push(CausalContext context, int epoch);
  const CausalContext& At(int ref) const { return contexts_[Index(ref)]; }
  int EpochAt(int ref) const { return epochs_[Index(ref)]; }
  std::optional<CausalContext> Resolve(int ref) const;
  size_t size() const { return contexts_.size(); }
  // The reference that names the context at `index` (oldest first) in the pool as it is now.
  int RefTo(size_t index) const { return static_cast<int>(contexts_.size() - 1 - index); }

 private:
  size_t Index(int ref) const;

  std::vector<CausalContext> contexts_;
  std::vector<int> epochs_;
};

struct OrSetOp {
  enum Kind { kAdd, kAddAll, kRemove, kRemoveAll, kRemoveSeen };
  Kind kind = kAdd;
  std::vector<int> elements;  // indices into kElements; kAdd and kRemove use the first
  int seen = 0;               // kRemoveSeen only
};

struct CounterOp {
  int64_t amount = 0;
  bool decrement = false;  // Decrement(amount) rather than Add(amount)
};

struct FlagOp {
  bool enable = true;
  int seen = kNoSeen;  // Disable only
};

struct RegisterOp {
  int value = 0;                     // index into kValues
  std::optional<int64_t> timestamp;  // none: AssignNow with the replica's clock
  int64_t now = 0;                   // the wall time AssignNow is given, in ns
};

struct MapOpSpec {
  enum Kind {
    kSetAdd,
    kSetRemove,
    kCounterAdd,
    kFlagEnable,
    kFlagDisable,
    kAssign,
    kNested,
    kRemoveField
  };
  Kind kind = kSetAdd;
  int name = 0;                      // index into kNames
  CrdtType type = CrdtType::kOrSet;  // the field's type (implied by kind, except kRemoveField)
  std::vector<int> elements;         // kSetAdd, kSetRemove
  int seen = kNoSeen;                // kSetRemove, kFlagDisable, kRemoveField
  int64_t amount = 0;                // kCounterAdd
  int value = 0;                     // kAssign
  std::optional<int64_t> timestamp;  // kAssign; none takes one from the clock
  std::vector<MapOpSpec> nested;     // kNested

  FieldKey key() const { return FieldKey{std::string(kNames[name]), type}; }
  bool IsRemove() const {
    return kind == kSetRemove || kind == kFlagDisable || kind == kRemoveField;
  }
};

// A map field, as a property picks one.
struct FieldRef {
  int name = 0;  // index into kNames
  CrdtType type = CrdtType::kOrSet;
  std::string Name() const { return std::string(kNames.at(static_cast<size_t>(name))); }
};

// One Map::Apply call.
struct MapList {
  std::vector<MapOpSpec> ops;
  int64_t now = 0;  // ApplyOptions::now, in ns
};

std::ostream& operator<<(std::ostream& os, const OrSetOp& op);
std::ostream& operator<<(std::ostream& os, const CounterOp& op);
std::ostream& operator<<(std::ostream& os, const FlagOp& op);
std::ostream& operator<<(std::ostream& os, const RegisterOp& op);
std::ostream& operator<<(std::ostream& os, const MapOpSpec& op);
std::ostream& operator<<(std::ostream& os, const MapList& list);
std::ostream& operator<<(std::ostream& os, const FieldRef& field);

// What a Map op list may contain: anything; only removes (for the replica racing an update);
// only changes that leave something behind (so the field they touch surely exists afterwards).
enum class Mode { kAny, kRemovesOnly, kAdditive };

// 2..max distinct actors, mixing small ids with the extremes of the 64-bit range.
rc::Gen<std::vector<ActorId>> GenActors(int min, int max);
rc::Gen<int> GenSeen();
rc::Gen<OrSetOp> GenOrSetOp();
rc::Gen<CounterOp> GenCounterOp();
rc::Gen<FlagOp> GenFlagOp();
rc::Gen<RegisterOp> GenRegisterOp();
rc::Gen<MapList> GenMapList(Mode mode);
// One op on `field` at `depth`; a map field needs depth < kMaxDepth unless the mode allows
// removing the field.
rc::Gen<MapOpSpec> GenMapOpOn(const FieldRef& field, int depth, Mode mode);
rc::Gen<FieldRef> GenFieldRef();

// Op type per CRDT, so the generic runners in crdt_props.cc can be written once.
template <typename T>
rc::Gen<T> GenOp();
template <>
inline rc::Gen<OrSetOp> GenOp() {
  return GenOrSetOp();
}
template <>
inline rc::Gen<CounterOp> GenOp() {
  return GenCounterOp();
}
template <>
inline rc::Gen<FlagOp> GenOp() {
  return GenFlagOp();
}
template <>
inline rc::Gen<RegisterOp> GenOp() {
  return GenRegisterOp();
}
template <>
inline rc::Gen<MapList> GenOp() {
  return GenMapList(Mode::kAny);
}

// One replica: its actor, state and hybrid clock.
template <typename T>
struct Replica {
  ActorId actor;
  T state;
  HybridClock clock;
};

// Applies the described op to the replica through the public API and returns its delta.
Result<OrSet> ApplyOp(Replica<OrSet>& replica, const OrSetOp& op, const SeenPool& pool);
Result<Counter> ApplyOp(Replica<Counter>& replica, const CounterOp& op, const SeenPool& pool);
Result<Flag> ApplyOp(Replica<Flag>& replica, const FlagOp& op, const SeenPool& pool);
Result<LwwRegister> ApplyOp(Replica<LwwRegister>& replica, const RegisterOp& op,
                            const SeenPool& pool);
Result<Map> ApplyOp(Replica<Map>& replica, const MapList& list, const SeenPool& pool);

std::vector<MapOp> ToMapOps(const std::vector<MapOpSpec>& specs, const SeenPool& pool);

// Full state, dots included, for counterexamples.
std::string Show(const OrSet& state);
std::string Show(const Counter& state);
std::string Show(const Flag& state);
std::string Show(const LwwRegister& state);
std::string Show(const Map& state);

}  // namespace lashup::crdt::props

#endif  // LASHUP_PROPTESTS_CRDT_GEN_H_
