// MemoryStorage: an in-memory Storage that models what a crash keeps.
//
// Writes are visible at once. Batches applied with kBuffered stay volatile until a later kSync
// batch (or Sync()) makes them durable, as a write-ahead log does after fsync. `Crash()` drops
// every volatile batch, so tests and the simulator see exactly what an unlucky power cut would
// leave: pessimistic on purpose, since RocksDB may keep more but never promises to.
#ifndef LASHUP_STORAGE_MEMORY_STORAGE_H_
#define LASHUP_STORAGE_MEMORY_STORAGE_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "storage/storage.h"

namespace lashup {

class MemoryStorage final : public Storage {
 public:
  Status Apply(const WriteBatch& batch, Durability durability) override;
  std::optional<std::string> Get(Column column, const std::string& key) const override;
  std::vector<std::pair<std::string, std::string>> Scan(Column column,
                                                        const std::string& prefix) const override;

  // Makes every applied batch durable.
  void Sync();
  Status Flush() override {
    Sync();
    return Status::Ok();
  }
  // Forgets every batch applied since the last sync.
  void Crash();

  uint64_t batches_applied() const { return batches_applied_; }
  uint64_t syncs() const { return syncs_; }
  size_t unsynced_batches() const { return unsynced_batches_; }

 private:
  using Table = std::array<std::map<std::string, std::string, std::less<>>, kColumnCount>;
  // Null for a column value outside the enum.
  const std::map<std::string, std::string, std::less<>>* ColumnOf(Column column) const;
  static void ApplyTo(Table& table, const WriteBatch& batch);

  Table current_;
  // For each key changed since the last sync, its durable value (none: absent). Kept instead
  // of the unsynced batches: memory follows the keys changed, not the writes.
  std::map<std::pair<size_t, std::string>, std::optional<std::string>> undo_;
  size_t unsynced_batches_ = 0;
  uint64_t batches_applied_ = 0;
  uint64_t syncs_ = 0;
};

}  // namespace lashup

#endif  // LASHUP_STORAGE_MEMORY_STORAGE_H_
