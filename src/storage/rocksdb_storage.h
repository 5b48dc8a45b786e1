// RocksDbStorage: the production Storage, on RocksDB.
//
// Contract: one RocksDB database per node directory, one column family per Column ("meta",
// "kv", "test") plus the default family, which holds only a format marker. `Apply` turns a
// WriteBatch into one RocksDB write batch, so a value and its causal metadata land together or
// not at all; Durability::kSync syncs the write-ahead log before returning (and with it every
// earlier write), kBuffered leaves it in the page cache (survives a process crash, not a power
// cut). Open refuses, with a clear error and without touching anything:
// - a directory that holds something other than a RocksDB database (kFailedPrecondition);
// - a RocksDB database that lashup did not create, or of another format version
//   (kFailedPrecondition: a foreign directory);
// - a corrupt database (kDataLoss, with RocksDB's own words).
// An empty or missing directory becomes a new store. Thread-compatible: one thread at a time
// (the node's loop); RocksDB's own threads do compaction.
#ifndef LASHUP_STORAGE_ROCKSDB_STORAGE_H_
#define LASHUP_STORAGE_ROCKSDB_STORAGE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "storage/storage.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace lashup {

struct RocksDbOptions {
  std::string directory;
};

class RocksDbStorage final : public Storage {
 public:
  static Result<std::unique_ptr<RocksDbStorage>> Open(const RocksDbOptions& options);
  ~RocksDbStorage() override;
  RocksDbStorage(const RocksDbStorage&) = delete;
  RocksDbStorage& operator=(const RocksDbStorage&) = delete;

  Status Apply(const WriteBatch& batch, Durability durability) override;
  // Syncs the write-ahead log.
  Status Flush() override;
  std::optional<std::string> Get(Column column, const std::string& key) const override;
  std::vector<std::pair<std::string, std::string>> Scan(Column column,
                                                        const std::string& prefix) const override;

  // The format this build writes; Open refuses others.
  static constexpr const char* kFormat = "lashup-storage-1";

 private:
  RocksDbStorage() = default;
  rocksdb::ColumnFamilyHandle* Handle(Column column) const;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // by RocksDB's order: default first
};

}  // namespace lashup

#endif  // LASHUP_STORAGE_ROCKSDB_STORAGE_H_
