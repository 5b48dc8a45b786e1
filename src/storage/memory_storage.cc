#include "storage/memory_storage.h"

namespace lashup {

void MemoryStorage::ApplyTo(Table& table, const WriteBatch& batch) {
  for (const WriteOp& op : batch.ops()) {
    auto& column = table[static_cast<size_t>(op.column)];
    if (op.kind == WriteOp::Kind::kPut) {
      column.insert_or_assign(op.key, op.value);
    } else {
      column.erase(op.key);
    }
  }
}

Status MemoryStorage::Apply(const WriteBatch& batch, Durability durability) {
  for (const WriteOp& op : batch.ops()) {
    if (static_cast<size_t>(op.column) >= current_.size()) {
      return InvalidArgumentError("write batch names unknown column " +
                                  std::to_string(static_cast<int>(op.column)));
    }
  }
  ApplyTo(current_, batch);
  unsynced_.push_back(batch);
  ++batches_applied_;
  if (durability == Durability::kSync) Sync();
  return Status::Ok();
}

const std::map<std::string, std::string, std::less<>>* MemoryStorage::ColumnOf(
    Column column) const {
  const auto index = static_cast<size_t>(column);
  return index < current_.size() ? &current_[index] : nullptr;
}

std::optional<std::string> MemoryStorage::Get(Column column, const std::string& key) const {
  const auto* table = ColumnOf(column);
  if (table == nullptr) return std::nullopt;
  auto it = table->find(key);
  if (it == table->end()) return std::nullopt;
  return it->second;
}

std::vector<std::pair<std::string, std::string>> MemoryStorage::Scan(
    Column column, const std::string& prefix) const {
  std::vector<std::pair<std::string, std::string>> out;
  const auto* table = ColumnOf(column);
  if (table == nullptr) return out;
  for (auto it = table->lower_bound(prefix); it != table->end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    out.emplace_back(it->first, it->second);
  }
  return out;
}

void MemoryStorage::Sync() {
  for (const WriteBatch& batch : unsynced_) ApplyTo(durable_, batch);
  unsynced_.clear();
  ++syncs_;
}

void MemoryStorage::Crash() {
  current_ = durable_;
  unsynced_.clear();
}

}  // namespace lashup
