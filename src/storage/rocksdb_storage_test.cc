#include "storage/rocksdb_storage.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace lashup {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system's temporary one, removed afterwards.
class RocksDbStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("lashup-rocksdb-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  Result<std::unique_ptr<RocksDbStorage>> Open() { return RocksDbStorage::Open({dir_.string()}); }

  fs::path dir_;
};

TEST_F(RocksDbStorageTest, WritesSurviveReopeningInEveryColumn) {
  {
    auto store = Open();
    ASSERT_TRUE(store.ok()) << store.status();
    WriteBatch batch;
    batch.Put(Column::kMeta, "membership/epoch", "7");
    batch.Put(Column::kKv, "a/1", "x");
    batch.Put(Column::kKv, "a/2", "y");
    batch.Put(Column::kKv, "b/1", "z");
    batch.Put(Column::kTest, "t", "1");
    ASSERT_TRUE((*store)->Apply(batch, Durability::kSync).ok());
    WriteBatch remove;
    remove.Delete(Column::kKv, "a/2");
    ASSERT_TRUE((*store)->Apply(remove, Durability::kBuffered).ok());
  }
  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Get(Column::kMeta, "membership/epoch"), "7");
  EXPECT_EQ((*store)->Get(Column::kTest, "t"), "1");
  EXPECT_FALSE((*store)->Get(Column::kMeta, "t"));  // columns are separate
  const auto scanned = (*store)->Scan(Column::kKv, "a/");
  ASSERT_EQ(scanned.size(), 1u);
  EXPECT_EQ(scanned[0], (std::pair<std::string, std::string>{"a/1", "x"}));
  EXPECT_EQ((*store)->Scan(Column::kKv, "").size(), 2u);
}

TEST_F(RocksDbStorageTest, ScanReturnsKeysInOrderAndStopsAtThePrefix) {
  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status();
  WriteBatch batch;
  for (const char* key : {"p/c", "p/a", "q", "p/b", "o"}) batch.Put(Column::kKv, key, key);
  ASSERT_TRUE((*store)->Apply(batch, Durability::kBuffered).ok());
  const auto scanned = (*store)->Scan(Column::kKv, "p/");
  ASSERT_EQ(scanned.size(), 3u);
  EXPECT_EQ(scanned[0].first, "p/a");
  EXPECT_EQ(scanned[2].first, "p/c");
}

TEST_F(RocksDbStorageTest, RefusesAnUnknownColumnAndWritesNothingOfTheBatch) {
  auto store = Open();
  ASSERT_TRUE(store.ok()) << store.status();
  WriteBatch batch;
  batch.Put(Column::kKv, "k", "v");
  batch.Put(static_cast<Column>(9), "k", "v");
  EXPECT_EQ((*store)->Apply(batch, Durability::kSync).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE((*store)->Get(Column::kKv, "k"));
}

TEST_F(RocksDbStorageTest, RefusesADirectoryThatHoldsSomethingElse) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "notes.txt") << "mine";
  auto store = Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("no lashup store"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir_ / "notes.txt"));  // untouched
}

TEST_F(RocksDbStorageTest, RefusesAForeignRocksDbDatabase) {
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.string(), &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "theirs", "1").ok());
    delete db;
  }
  auto store = Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("not a lashup store"), std::string::npos);
}

TEST_F(RocksDbStorageTest, RefusesAStoreWhoseManifestIsMissingWithDataLoss) {
  { ASSERT_TRUE(Open().ok()); }
  // CURRENT names the manifest; point it at one that does not exist.
  std::ofstream(dir_ / "CURRENT", std::ios::trunc) << "MANIFEST-999999\n";
  auto store = Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss) << store.status();
}

TEST_F(RocksDbStorageTest, RefusesAStoreWhoseManifestIsGarbledWithDataLoss) {
  { ASSERT_TRUE(Open().ok()); }
  for (const auto& entry : fs::directory_iterator(dir_)) {
    if (entry.path().filename().string().rfind("MANIFEST-", 0) != 0) continue;
    const auto size = fs::file_size(entry.path());
    std::ofstream(entry.path(), std::ios::trunc) << std::string(size, '\x5a');
  }
  auto store = Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss) << store.status();
}

TEST_F(RocksDbStorageTest, RefusesAFileInPlaceOfTheDirectory) {
  fs::create_directories(dir_.parent_path());
  std::ofstream(dir_) << "a file";
  auto store = Open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace lashup
