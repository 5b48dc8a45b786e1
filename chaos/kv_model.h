// KvModel: what every node's KV store must hold once the cluster has healed and gone quiet,
// computed from the acknowledged writes alone.
//
// The workload only issues operations whose merged result does not depend on delivery order, so
// the model is exact: OR-set adds of unique elements and removes of an element by the node that
// added it (no concurrent add of the same element exists, so add-wins never applies), counter
// increments (a sum), flag enables, LWW register assignments with unique explicit timestamps
// (the largest wins) and adds to a set nested in a map field. An acknowledged write is in the
// model; a refused one is not (an update is all or nothing).
#ifndef LASHUP_CHAOS_KV_MODEL_H_
#define LASHUP_CHAOS_KV_MODEL_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chaos/cluster.h"

namespace lashup::chaos {

// Field names the workload writes.
inline constexpr char kSetField[] = "backends";
inline constexpr char kCounterField[] = "hits";
inline constexpr char kFlagField[] = "enabled";
inline constexpr char kRegisterField[] = "owner";
inline constexpr char kMapField[] = "meta";
inline constexpr char kNestedSetField[] = "tags";

// One write as the workload describes it; `Ops()` turns it into CRDT operations.
struct ModelWrite {
  std::vector<std::string> add;       // to kSetField
  std::vector<std::string> remove;    // from kSetField
  int64_t increment = 0;              // kCounterField
  bool enable = false;                // kFlagField
  std::optional<crdt::RegisterValue> assign;  // kRegisterField, explicit timestamp
  std::vector<std::string> nested_add;        // kMapField.kNestedSetField

  std::vector<crdt::MapOp> Ops() const;
};

class KvModel {
 public:
  void Apply(const Key& key, const ModelWrite& write);

  // Empty when `value` is what `key` must hold; otherwise what differs, readably. A key the
  // model has no fields for must be absent (nullptr).
  std::string Diff(const Key& key, const crdt::MapValue* value) const;
  // Every difference between a node's snapshot and the model (keys on either side).
  std::vector<std::string> Diff(const std::map<Key, crdt::MapValue>& snapshot) const;

  size_t keys() const { return keys_.size(); }
  size_t elements() const;

 private:
  struct KeyState {
    std::set<std::string> set;
    int64_t counter = 0;
    bool flag = false;
    std::optional<crdt::RegisterValue> reg;
    std::set<std::string> nested;
    bool Empty() const;
  };
  std::map<Key, KeyState> keys_;
};

}  // namespace lashup::chaos

#endif  // LASHUP_CHAOS_KV_MODEL_H_
