// Operations on a map: what `Map::Apply` takes, and builders that read well at call sites.
//
// Contract: an update is a list of `MapOp`s applied atomically, left to right, each seeing the
// effect of the ones before it. A `MapOp` updates a field (creating it if absent) with an
// operation matching the field's type, or removes a field. Preconditions: removing an absent
// field, or removing a set element that is absent, fails the whole list (kFailedPrecondition)
// unless the remove carries a `seen` context. With `seen`, a remove takes away only the dots the
// caller had seen (what it read), and removing something already gone is not an error. An
// operation of the wrong type for its field, an empty element list, or nesting deeper than
// kMaxNesting fails with kInvalidArgument. See docs/crdt.md for the exact semantics.
// Plain values; safe to copy and share read-only between threads.
#ifndef LASHUP_CRDT_OPS_H_
#define LASHUP_CRDT_OPS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lashup/crdt/causal_context.h"
#include "lashup/crdt/stores.h"

namespace lashup::crdt {

// Maps nest at most this deep (a top-level field is depth 1).
inline constexpr int kMaxNesting = 16;

struct SetAdd {
  std::vector<std::string> elements;  // one element is "add", several "add-all"
};
struct SetRemove {
  std::vector<std::string> elements;  // one element is "remove", several "remove-all"
  std::optional<CausalContext> seen;
};
struct CounterAdd {
  int64_t amount = 0;  // positive increments, negative decrements
};
struct FlagEnable {};
struct FlagDisable {
  std::optional<CausalContext> seen;
};
struct RegisterAssign {
  std::string value;
  // An explicit timestamp (for example nanoseconds since the epoch), or none to take one from
  // the writer's hybrid logical clock, which always wins over the register's current value.
  std::optional<int64_t> timestamp;
};

struct MapOp;
struct NestedMapOps {
  std::vector<MapOp> ops;
};

using FieldOp = std::variant<SetAdd, SetRemove, CounterAdd, FlagEnable, FlagDisable, RegisterAssign,
                             NestedMapOps>;

struct UpdateField {
  FieldKey field;
  FieldOp op;
};
struct RemoveField {
  FieldKey field;
  std::optional<CausalContext> seen;
};

struct MapOp {
  std::variant<UpdateField, RemoveField> op;
};

// The field type an operation applies to.
CrdtType FieldTypeOf(const FieldOp& op);

// One line naming the operation, for error messages: `remove "b" from orset "vip"`.
std::string Describe(const MapOp& op);

namespace ops {

MapOp Add(std::string set_field, std::string element);
MapOp AddAll(std::string set_field, std::vector<std::string> elements);
MapOp Remove(std::string set_field, std::string element,
             std::optional<CausalContext> seen = std::nullopt);
MapOp RemoveAll(std::string set_field, std::vector<std::string> elements,
                std::optional<CausalContext> seen = std::nullopt);
MapOp Increment(std::string counter_field, int64_t amount = 1);
MapOp Decrement(std::string counter_field, int64_t amount = 1);
MapOp Enable(std::string flag_field);
MapOp Disable(std::string flag_field, std::optional<CausalContext> seen = std::nullopt);
MapOp Assign(std::string register_field, std::string value,
             std::optional<int64_t> timestamp = std::nullopt);
MapOp Update(std::string map_field, std::vector<MapOp> nested);
MapOp RemoveField(std::string name, CrdtType type,
                  std::optional<CausalContext> seen = std::nullopt);

}  // namespace ops
}  // namespace lashup::crdt

#endif  // LASHUP_CRDT_OPS_H_
