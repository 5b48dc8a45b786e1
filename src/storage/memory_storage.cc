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
  for (const WriteOp& op : batch.ops()) {
    // The first change to a key since the last sync remembers what a crash goes back to.
    const auto index = static_cast<size_t>(op.column);
    auto key = std::make_pair(index, op.key);
    if (undo_.find(key) == undo_.end()) {
      auto it = current_[index].find(op.key);
      undo_.emplace(std::move(key), it == current_[index].end()
                                        ? std::nullopt
                                        : std::optional<std::string>(it->second));
    }
  }
  ApplyTo(current_, batch);
  ++unsynced_batches_;
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
  undo_.clear();
  unsynced_batches_ = 0;
  ++syncs_;
}

void MemoryStorage::Crash() {
  for (auto& [key, value] : undo_) {
    auto& column = current_[key.first];
    if (value.has_value()) {
      column.insert_or_assign(key.second, std::move(*value));
    } else {
      column.erase(key.second);
    }
  }
  undo_.clear();
  unsynced_batches_ = 0;
}

}  // namespace lashup
