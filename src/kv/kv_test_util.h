// Helpers for the KV tests: a clock, and applying a step's persistence to a MemoryStorage.
#ifndef LASHUP_KV_KV_TEST_UTIL_H_
#define LASHUP_KV_KV_TEST_UTIL_H_

#include "core/effects.h"
#include "lashup/crdt/ops.h"
#include "storage/memory_storage.h"

namespace lashup::kv::testing {

inline Now At(int64_t ms) {
  return Now{InstantFromNanos(ms * 1'000'000), WallTimeFromNanos(1'700'000'000'000'000'000 + ms * 1'000'000)};
}

inline void ApplyPersists(Effects& out, MemoryStorage& storage) {
  for (const PersistOp& op : out.persists()) {
    Status status = storage.Apply(op.batch, op.durability);
    if (!status.ok()) std::abort();
  }
}

}  // namespace lashup::kv::testing

#endif  // LASHUP_KV_KV_TEST_UTIL_H_
