#include "storage/memory_storage.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lashup {
namespace {

using KeyValues = std::vector<std::pair<std::string, std::string>>;
using ::testing::HasSubstr;

WriteBatch Put(Column column, std::string key, std::string value) {
  WriteBatch batch;
  batch.Put(column, std::move(key), std::move(value));
  return batch;
}

WriteBatch Delete(Column column, std::string key) {
  WriteBatch batch;
  batch.Delete(column, std::move(key));
  return batch;
}

class MemoryStorageTest : public ::testing::Test {
 protected:
  void Apply(const WriteBatch& batch, Durability durability) {
    Status status = storage_.Apply(batch, durability);
    ASSERT_TRUE(status.ok()) << status;
  }
  void PutBuffered(Column column, std::string key, std::string value) {
    Apply(Put(column, std::move(key), std::move(value)), Durability::kBuffered);
  }
  void PutSynced(Column column, std::string key, std::string value) {
    Apply(Put(column, std::move(key), std::move(value)), Durability::kSync);
  }

  MemoryStorage storage_;
};

TEST_F(MemoryStorageTest, StartsEmpty) {
  EXPECT_EQ(storage_.Get(Column::kMeta, "x"), std::nullopt);
  EXPECT_TRUE(storage_.Scan(Column::kKv, "").empty());
  EXPECT_EQ(storage_.batches_applied(), 0u);
  EXPECT_EQ(storage_.syncs(), 0u);
  EXPECT_EQ(storage_.unsynced_batches(), 0u);
}

TEST_F(MemoryStorageTest, PutGetDeleteVisibleImmediately) {
  PutBuffered(Column::kKv, "k", "v1");
  EXPECT_EQ(storage_.Get(Column::kKv, "k"), "v1");

  PutBuffered(Column::kKv, "k", "v2");
  EXPECT_EQ(storage_.Get(Column::kKv, "k"), "v2");

  Apply(Delete(Column::kKv, "k"), Durability::kBuffered);
  EXPECT_EQ(storage_.Get(Column::kKv, "k"), std::nullopt);

  // Deleting a missing key is harmless.
  Apply(Delete(Column::kKv, "never-written"), Durability::kBuffered);
  EXPECT_EQ(storage_.Get(Column::kKv, "never-written"), std::nullopt);
}

TEST_F(MemoryStorageTest, EmptyValueIsStoredAndDistinctFromMissing) {
  PutBuffered(Column::kMeta, "empty", "");
  EXPECT_EQ(storage_.Get(Column::kMeta, "empty"), std::optional<std::string>(""));
  EXPECT_EQ(storage_.Get(Column::kMeta, "other"), std::nullopt);
}

TEST_F(MemoryStorageTest, BatchOpsApplyInOrder) {
  WriteBatch batch;
  batch.Put(Column::kTest, "a", "1");
  batch.Put(Column::kTest, "b", "2");
  batch.Delete(Column::kTest, "a");
  batch.Put(Column::kTest, "b", "3");
  batch.Put(Column::kTest, "c", "4");
  Apply(batch, Durability::kBuffered);
  EXPECT_EQ(storage_.Get(Column::kTest, "a"), std::nullopt);
  EXPECT_EQ(storage_.Get(Column::kTest, "b"), "3");
  EXPECT_EQ(storage_.Get(Column::kTest, "c"), "4");
  EXPECT_EQ(storage_.batches_applied(), 1u);
}

TEST_F(MemoryStorageTest, ColumnsAreSeparate) {
  PutBuffered(Column::kMeta, "key", "meta");
  PutBuffered(Column::kKv, "key", "kv");
  EXPECT_EQ(storage_.Get(Column::kMeta, "key"), "meta");
  EXPECT_EQ(storage_.Get(Column::kKv, "key"), "kv");
  EXPECT_EQ(storage_.Get(Column::kTest, "key"), std::nullopt);

  Apply(Delete(Column::kMeta, "key"), Durability::kBuffered);
  EXPECT_EQ(storage_.Get(Column::kMeta, "key"), std::nullopt);
  EXPECT_EQ(storage_.Get(Column::kKv, "key"), "kv");

  EXPECT_TRUE(storage_.Scan(Column::kMeta, "").empty());
  EXPECT_EQ(storage_.Scan(Column::kKv, ""), (KeyValues{{"key", "kv"}}));
}

TEST_F(MemoryStorageTest, ScanReturnsPrefixInKeyOrder) {
  // Written out of order, with keys just before and just after the prefix range.
  PutBuffered(Column::kKv, "user/3", "c");
  PutBuffered(Column::kKv, "user/1", "a");
  PutBuffered(Column::kKv, "use", "before");
  PutBuffered(Column::kKv, "user0", "after");  // '0' follows '/' in byte order
  PutBuffered(Column::kKv, "user/2", "b");
  PutBuffered(Column::kKv, "user/10", "a0");
  PutBuffered(Column::kKv, "v", "later");
  PutBuffered(Column::kKv, "a", "earlier");

  EXPECT_EQ(storage_.Scan(Column::kKv, "user/"),
            (KeyValues{{"user/1", "a"}, {"user/10", "a0"}, {"user/2", "b"}, {"user/3", "c"}}));
  EXPECT_EQ(storage_.Scan(Column::kKv, "user"), (KeyValues{{"user/1", "a"},
                                                           {"user/10", "a0"},
                                                           {"user/2", "b"},
                                                           {"user/3", "c"},
                                                           {"user0", "after"}}));
  EXPECT_EQ(storage_.Scan(Column::kKv, "user/1"), (KeyValues{{"user/1", "a"}, {"user/10", "a0"}}));
  EXPECT_EQ(storage_.Scan(Column::kKv, "user/3"), (KeyValues{{"user/3", "c"}}));
  EXPECT_TRUE(storage_.Scan(Column::kKv, "user/4").empty());
  EXPECT_TRUE(storage_.Scan(Column::kKv, "zzz").empty());
  EXPECT_TRUE(storage_.Scan(Column::kKv, "user/3/deeper").empty());
}

TEST_F(MemoryStorageTest, ScanWithEmptyPrefixReturnsWholeColumn) {
  PutBuffered(Column::kTest, "b", "2");
  PutBuffered(Column::kTest, "a", "1");
  PutBuffered(Column::kMeta, "m", "x");
  EXPECT_EQ(storage_.Scan(Column::kTest, ""), (KeyValues{{"a", "1"}, {"b", "2"}}));
}

TEST_F(MemoryStorageTest, ScanHandlesBinaryKeys) {
  // Keys compare as unsigned bytes: 0xff sorts after every ASCII byte.
  PutBuffered(Column::kKv, std::string("p\x01", 2), "one");
  PutBuffered(Column::kKv, std::string("p\xff", 2), "ff");
  PutBuffered(Column::kKv, std::string("p\0", 2), "zero");
  PutBuffered(Column::kKv, "q", "q");
  KeyValues expected = {
      {std::string("p\0", 2), "zero"},
      {std::string("p\x01", 2), "one"},
      {std::string("p\xff", 2), "ff"},
  };
  EXPECT_EQ(storage_.Scan(Column::kKv, "p"), expected);
}

TEST_F(MemoryStorageTest, CrashDropsBufferedBatches) {
  PutBuffered(Column::kKv, "a", "1");
  PutBuffered(Column::kMeta, "b", "2");
  EXPECT_EQ(storage_.unsynced_batches(), 2u);

  storage_.Crash();
  EXPECT_EQ(storage_.Get(Column::kKv, "a"), std::nullopt);
  EXPECT_EQ(storage_.Get(Column::kMeta, "b"), std::nullopt);
  EXPECT_TRUE(storage_.Scan(Column::kKv, "").empty());
  EXPECT_EQ(storage_.unsynced_batches(), 0u);
}

TEST_F(MemoryStorageTest, CrashKeepsSyncedBatches) {
  PutSynced(Column::kKv, "a", "1");
  PutBuffered(Column::kKv, "b", "2");
  storage_.Crash();
  EXPECT_EQ(storage_.Get(Column::kKv, "a"), "1");
  EXPECT_EQ(storage_.Get(Column::kKv, "b"), std::nullopt);
  EXPECT_EQ(storage_.Scan(Column::kKv, ""), (KeyValues{{"a", "1"}}));
}

TEST_F(MemoryStorageTest, SyncBatchMakesEarlierBufferedBatchesDurable) {
  PutBuffered(Column::kKv, "a", "1");
  PutBuffered(Column::kMeta, "b", "2");
  PutSynced(Column::kTest, "c", "3");
  PutBuffered(Column::kKv, "d", "4");  // after the sync: still volatile
  storage_.Crash();
  EXPECT_EQ(storage_.Get(Column::kKv, "a"), "1");
  EXPECT_EQ(storage_.Get(Column::kMeta, "b"), "2");
  EXPECT_EQ(storage_.Get(Column::kTest, "c"), "3");
  EXPECT_EQ(storage_.Get(Column::kKv, "d"), std::nullopt);
}

TEST_F(MemoryStorageTest, CrashRestoresOverwrittenValue) {
  PutSynced(Column::kKv, "k", "old");
  PutBuffered(Column::kKv, "k", "new");
  EXPECT_EQ(storage_.Get(Column::kKv, "k"), "new");
  storage_.Crash();
  EXPECT_EQ(storage_.Get(Column::kKv, "k"), "old");
}

TEST_F(MemoryStorageTest, ExplicitSyncMakesEverythingDurable) {
  PutBuffered(Column::kKv, "a", "1");
  PutBuffered(Column::kKv, "b", "2");
  storage_.Sync();
  EXPECT_EQ(storage_.unsynced_batches(), 0u);
  PutBuffered(Column::kKv, "c", "3");
  storage_.Crash();
  EXPECT_EQ(storage_.Scan(Column::kKv, ""), (KeyValues{{"a", "1"}, {"b", "2"}}));
}

TEST_F(MemoryStorageTest, SyncedDeleteSurvivesCrash) {
  PutSynced(Column::kKv, "k", "v");
  Apply(Delete(Column::kKv, "k"), Durability::kSync);
  storage_.Crash();
  EXPECT_EQ(storage_.Get(Column::kKv, "k"), std::nullopt);
}

TEST_F(MemoryStorageTest, DeleteSyncedLaterByAnotherBatchSurvivesCrash) {
  PutSynced(Column::kKv, "k", "v");
  Apply(Delete(Column::kKv, "k"), Durability::kBuffered);
  storage_.Sync();
  storage_.Crash();
  EXPECT_EQ(storage_.Get(Column::kKv, "k"), std::nullopt);
}

TEST_F(MemoryStorageTest, UnsyncedDeleteIsUndoneByCrash) {
  PutSynced(Column::kKv, "k", "v");
  Apply(Delete(Column::kKv, "k"), Durability::kBuffered);
  EXPECT_EQ(storage_.Get(Column::kKv, "k"), std::nullopt);
  storage_.Crash();
  EXPECT_EQ(storage_.Get(Column::kKv, "k"), "v");
}

TEST_F(MemoryStorageTest, WritesAfterCrashWorkAndRepeatedCrashesAreStable) {
  PutSynced(Column::kKv, "a", "1");
  PutBuffered(Column::kKv, "b", "2");
  storage_.Crash();
  storage_.Crash();
  EXPECT_EQ(storage_.Scan(Column::kKv, ""), (KeyValues{{"a", "1"}}));

  PutBuffered(Column::kKv, "c", "3");
  EXPECT_EQ(storage_.Scan(Column::kKv, ""), (KeyValues{{"a", "1"}, {"c", "3"}}));
  PutSynced(Column::kKv, "d", "4");
  storage_.Crash();
  EXPECT_EQ(storage_.Scan(Column::kKv, ""), (KeyValues{{"a", "1"}, {"c", "3"}, {"d", "4"}}));
  // The lost batch did not come back.
  EXPECT_EQ(storage_.Get(Column::kKv, "b"), std::nullopt);
}

TEST_F(MemoryStorageTest, BatchIsDurableAsAWhole) {
  WriteBatch batch;
  batch.Put(Column::kMeta, "epoch", "7");
  batch.Put(Column::kKv, "x", "y");
  batch.Delete(Column::kTest, "gone");
  PutSynced(Column::kTest, "gone", "soon");
  Apply(batch, Durability::kBuffered);
  storage_.Crash();
  // None of the buffered batch survived.
  EXPECT_EQ(storage_.Get(Column::kMeta, "epoch"), std::nullopt);
  EXPECT_EQ(storage_.Get(Column::kKv, "x"), std::nullopt);
  EXPECT_EQ(storage_.Get(Column::kTest, "gone"), "soon");

  Apply(batch, Durability::kSync);
  storage_.Crash();
  // All of the synced batch survived.
  EXPECT_EQ(storage_.Get(Column::kMeta, "epoch"), "7");
  EXPECT_EQ(storage_.Get(Column::kKv, "x"), "y");
  EXPECT_EQ(storage_.Get(Column::kTest, "gone"), std::nullopt);
}

TEST_F(MemoryStorageTest, Counters) {
  PutBuffered(Column::kKv, "a", "1");
  EXPECT_EQ(storage_.batches_applied(), 1u);
  EXPECT_EQ(storage_.syncs(), 0u);
  EXPECT_EQ(storage_.unsynced_batches(), 1u);

  PutBuffered(Column::kKv, "b", "2");
  EXPECT_EQ(storage_.batches_applied(), 2u);
  EXPECT_EQ(storage_.unsynced_batches(), 2u);

  PutSynced(Column::kKv, "c", "3");
  EXPECT_EQ(storage_.batches_applied(), 3u);
  EXPECT_EQ(storage_.syncs(), 1u);
  EXPECT_EQ(storage_.unsynced_batches(), 0u);

  storage_.Sync();
  EXPECT_EQ(storage_.syncs(), 2u);
  EXPECT_EQ(storage_.unsynced_batches(), 0u);

  PutBuffered(Column::kKv, "d", "4");
  EXPECT_EQ(storage_.unsynced_batches(), 1u);
  storage_.Crash();
  EXPECT_EQ(storage_.unsynced_batches(), 0u);
  // A crash loses data, not history: the counters keep counting what was applied.
  EXPECT_EQ(storage_.batches_applied(), 4u);
  EXPECT_EQ(storage_.syncs(), 2u);
}

TEST_F(MemoryStorageTest, UnknownColumnIsRejectedAndNothingApplied) {
  WriteBatch batch;
  batch.Put(Column::kKv, "ok", "1");
  batch.Put(static_cast<Column>(9), "bad", "2");
  Status status = storage_.Apply(batch, Durability::kSync);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("9"));
  // All or nothing: the valid op in the same batch was not applied either.
  EXPECT_EQ(storage_.Get(Column::kKv, "ok"), std::nullopt);
  EXPECT_EQ(storage_.batches_applied(), 0u);
  EXPECT_EQ(storage_.unsynced_batches(), 0u);
  EXPECT_EQ(storage_.syncs(), 0u);
}

TEST_F(MemoryStorageTest, UsableThroughStorageInterface) {
  Storage& storage = storage_;
  const StorageReader& reader = storage_;
  ASSERT_TRUE(storage.Apply(Put(Column::kMeta, "id", "n1"), Durability::kSync).ok());
  EXPECT_EQ(reader.Get(Column::kMeta, "id"), "n1");
  EXPECT_EQ(reader.Scan(Column::kMeta, "i"), (KeyValues{{"id", "n1"}}));
}

}  // namespace
}  // namespace lashup
