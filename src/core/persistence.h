// Persistence as seen by a protocol core: write batches it asks the driver to apply, and a
// read-only view of what survived the last restart.
//
// Cores never touch files. They emit `Effects::Persist(batch, durability)`; the driver applies the
// batch atomically to its Storage (RocksDB in production, memory in the simulator) before the
// sends of the same step, so a message never announces state that a crash could still lose when
// the caller asked for kSync. A core reads its recovered state once, when it is constructed,
// through `StorageReader`.
#ifndef LASHUP_CORE_PERSISTENCE_H_
#define LASHUP_CORE_PERSISTENCE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lashup {

// Logical key spaces; RocksDB maps each to a column family.
enum class Column : uint8_t {
  kMeta = 0,   // node metadata: epoch, actor id, views, contact nodes
  kKv = 1,     // KV state and its causal metadata
  kTest = 2,   // used by tests and the simulator's test core
};
inline constexpr size_t kColumnCount = 3;

enum class Durability : uint8_t {
  // Applied now; survives a process crash in production (RocksDB WAL in the page cache) but not a
  // machine crash. The simulator is pessimistic: a simulated crash loses it.
  kBuffered = 0,
  // Applied and synced to stable storage, with every earlier write, before the step's sends.
  kSync = 1,
};

struct WriteOp {
  enum class Kind : uint8_t { kPut, kDelete };
  Kind kind = Kind::kPut;
  Column column = Column::kMeta;
  std::string key;
  std::string value;  // empty for kDelete
  friend bool operator==(const WriteOp&, const WriteOp&) = default;
};

// Applied all or nothing.
class WriteBatch {
 public:
  void Put(Column column, std::string key, std::string value) {
    ops_.push_back({WriteOp::Kind::kPut, column, std::move(key), std::move(value)});
  }
  void Delete(Column column, std::string key) {
    ops_.push_back({WriteOp::Kind::kDelete, column, std::move(key), {}});
  }
  const std::vector<WriteOp>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }

 private:
  std::vector<WriteOp> ops_;
};

class StorageReader {
 public:
  virtual ~StorageReader() = default;
  virtual std::optional<std::string> Get(Column column, const std::string& key) const = 0;
  // Every (key, value) in `column` whose key starts with `prefix`, in key order.
  virtual std::vector<std::pair<std::string, std::string>> Scan(
      Column column, const std::string& prefix) const = 0;
};

}  // namespace lashup

#endif  // LASHUP_CORE_PERSISTENCE_H_
