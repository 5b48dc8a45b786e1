#include "storage/rocksdb_storage.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <system_error>

namespace lashup {
namespace {

// Column families by Column value; the default family comes first in RocksDB's lists.
constexpr std::array<const char*, kColumnCount> kFamilies = {"meta", "kv", "test"};
constexpr const char* kFormatKey = "lashup/format";

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::Ok();
  const std::string message = what + ": " + s.ToString();
  // A file the database names but that is gone is damage too, not a passing I/O fault.
  if (s.IsCorruption() || s.IsPathNotFound()) return DataLossError(message);
  if (s.IsIOError()) return UnavailableError(message);
  return InternalError(message);
}

// Whether `dir` holds anything at all (a missing directory holds nothing).
Result<bool> HoldsFiles(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return false;
  if (!std::filesystem::is_directory(dir, ec)) {
    return FailedPreconditionError(dir + " is not a directory");
  }
  const bool empty = std::filesystem::is_empty(dir, ec);
  if (ec) return UnavailableError("cannot read " + dir + ": " + ec.message());
  return !empty;
}

// Whether the database in `dir`, opened read-only with the families it lists, carries our
// format marker: ours but damaged, or someone else's.
Status ClassifyOddFamilies(const std::string& dir, const std::vector<std::string>& families) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& family : families) descriptors.push_back({family, {}});
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  LASHUP_RETURN_IF_ERROR(FromRocks(
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, descriptors, &handles, &raw),
      "open " + dir));
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string format;
  const bool ours = db->Get(rocksdb::ReadOptions(), kFormatKey, &format).ok();
  for (rocksdb::ColumnFamilyHandle* handle : handles) (void)db->DestroyColumnFamilyHandle(handle);
  if (ours) {
    return DataLossError(dir + " is a lashup store with column families missing (" +
                         std::to_string(families.size()) + " found)");
  }
  return FailedPreconditionError(dir + " holds a RocksDB database that is not a lashup store; " +
                                 "refusing to use it");
}

// An existing directory must be a lashup store: a RocksDB database with exactly our families.
Status CheckExisting(const std::string& dir) {
  if (!std::filesystem::exists(std::filesystem::path(dir) / "CURRENT")) {
    return FailedPreconditionError(dir + " holds files but no lashup store (no RocksDB " +
                                   "database); refusing to use it");
  }
  std::vector<std::string> families;
  LASHUP_RETURN_IF_ERROR(FromRocks(
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &families), "open " + dir));
  std::vector<std::string> expected = {rocksdb::kDefaultColumnFamilyName};
  expected.insert(expected.end(), kFamilies.begin(), kFamilies.end());
  std::sort(families.begin(), families.end());
  std::sort(expected.begin(), expected.end());
  if (families != expected) return ClassifyOddFamilies(dir, families);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<RocksDbStorage>> RocksDbStorage::Open(const RocksDbOptions& options) {
  const std::string& dir = options.directory;
  if (dir.empty()) return InvalidArgumentError("storage directory not set");
  LASHUP_ASSIGN_OR_RETURN(const bool existing, HoldsFiles(dir));
  if (existing) LASHUP_RETURN_IF_ERROR(CheckExisting(dir));
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = !existing;
  db_options.create_missing_column_families = !existing;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()}};
  for (const char* family : kFamilies) descriptors.push_back({family, {}});
  auto storage = std::unique_ptr<RocksDbStorage>(new RocksDbStorage());
  rocksdb::DB* db = nullptr;
  LASHUP_RETURN_IF_ERROR(FromRocks(
      rocksdb::DB::Open(db_options, dir, descriptors, &storage->handles_, &db), "open " + dir));
  storage->db_.reset(db);
  rocksdb::ColumnFamilyHandle* defaults = storage->handles_[0];
  std::string format;
  const rocksdb::Status read = db->Get(rocksdb::ReadOptions(), defaults, kFormatKey, &format);
  if (!existing) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    LASHUP_RETURN_IF_ERROR(
        FromRocks(db->Put(sync, defaults, kFormatKey, kFormat), "write format marker"));
  } else if (read.IsNotFound()) {
    return FailedPreconditionError(dir + " holds a RocksDB database without lashup's format " +
                                   "marker; refusing to use it");
  } else if (!read.ok()) {
    return FromRocks(read, "read format marker");
  } else if (format != kFormat) {
    return FailedPreconditionError(dir + " holds store format '" + format +
                                   "'; this build reads '" + kFormat + "'");
  }
  return storage;
}

RocksDbStorage::~RocksDbStorage() {
  if (!db_) return;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    (void)db_->DestroyColumnFamilyHandle(handle);
  }
  (void)db_->Close();
}

rocksdb::ColumnFamilyHandle* RocksDbStorage::Handle(Column column) const {
  const auto index = static_cast<size_t>(column);
  return index < kColumnCount ? handles_[index + 1] : nullptr;
}

Status RocksDbStorage::Apply(const WriteBatch& batch, Durability durability) {
  rocksdb::WriteBatch rocks;
  for (const WriteOp& op : batch.ops()) {
    rocksdb::ColumnFamilyHandle* handle = Handle(op.column);
    if (handle == nullptr) {
      return InvalidArgumentError("write batch names unknown column " +
                                  std::to_string(static_cast<int>(op.column)));
    }
    const rocksdb::Status s = op.kind == WriteOp::Kind::kPut
                                  ? rocks.Put(handle, op.key, op.value)
                                  : rocks.Delete(handle, op.key);
    LASHUP_RETURN_IF_ERROR(FromRocks(s, "build write batch"));
  }
  rocksdb::WriteOptions write;
  write.sync = durability == Durability::kSync;
  return FromRocks(db_->Write(write, &rocks), "write");
}

Status RocksDbStorage::Flush() { return FromRocks(db_->SyncWAL(), "sync the write-ahead log"); }

std::optional<std::string> RocksDbStorage::Get(Column column, const std::string& key) const {
  rocksdb::ColumnFamilyHandle* handle = Handle(column);
  if (handle == nullptr) return std::nullopt;
  std::string value;
  // StorageReader has no error channel: a failed read reads as absent (the KV's anti-entropy
  // then fetches the key again from a neighbour).
  if (!db_->Get(rocksdb::ReadOptions(), handle, key, &value).ok()) return std::nullopt;
  return value;
}

std::vector<std::pair<std::string, std::string>> RocksDbStorage::Scan(
    Column column, const std::string& prefix) const {
  std::vector<std::pair<std::string, std::string>> out;
  rocksdb::ColumnFamilyHandle* handle = Handle(column);
  if (handle == nullptr) return out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handle));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    out.emplace_back(it->key().ToString(), it->value().ToString());
  }
  return out;
}

}  // namespace lashup
