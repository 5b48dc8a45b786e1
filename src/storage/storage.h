// Storage: where a driver applies a core's persistence effects.
//
// Contract: `Apply` writes a batch atomically (all ops or none). With Durability::kSync it
// returns only after the batch and every earlier batch are on stable storage. A driver reads
// the recovered state through the StorageReader side when it (re)builds a core. Implementations:
// MemoryStorage (simulator, tests) and RocksDbStorage (real nodes). One thread at a time.
#ifndef LASHUP_STORAGE_STORAGE_H_
#define LASHUP_STORAGE_STORAGE_H_

#include "core/persistence.h"
#include "lashup/status.h"

namespace lashup {

class Storage : public StorageReader {
 public:
  virtual Status Apply(const WriteBatch& batch, Durability durability) = 0;
  // Makes every batch applied so far durable (one sync), as if each had asked for kSync.
  virtual Status Flush() = 0;
};

}  // namespace lashup

#endif  // LASHUP_STORAGE_STORAGE_H_
