#include "kv/kv_store.h"

#include <gtest/gtest.h>

#include "kv/kv_test_util.h"

namespace lashup::kv {
namespace {

using crdt::MapValue;
using testing::ApplyPersists;
using testing::At;
namespace ops = crdt::ops;

const KeyPath kVips = {"minuteman", "vips"};

crdt::SetValue SetOf(const MapValue& value, const std::string& field) {
  const crdt::Value* v = value.Find(field, crdt::CrdtType::kOrSet);
  return v == nullptr ? crdt::SetValue{} : *v->AsSet();
}

class KvStoreTest : public ::testing::Test {
 protected:
  KvStore& Open(KvStoreConfig config = {}) {
    store_ = std::make_unique<KvStore>(&storage_, config);
    Effects out;
    store_->Start(++entropy_, out);
    ApplyPersists(out, storage_);
    return *store_;
  }
  Result<KvStore::UpdateResult> Update(const KeyPath& key, std::vector<crdt::MapOp> ops,
                                       std::optional<crdt::VersionVector> expected = {}) {
    last_.Clear();
    auto result = store_->Update(At(++now_ms_), key, ops, expected, last_);
    ApplyPersists(last_, storage_);
    return result;
  }

  MemoryStorage storage_;
  std::unique_ptr<KvStore> store_;
  Effects last_;
  int64_t now_ms_ = 0;
  uint64_t entropy_ = 0;
};

TEST_F(KvStoreTest, UpdateReturnsTheValueAndPersistsValueWithContextInOneSyncedBatch) {
  KvStore& store = Open();
  auto result = Update(kVips, {ops::Add("backends", "10.0.0.1:80"), ops::Increment("hits", 2)});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(SetOf(result->value, "backends"), crdt::SetValue{"10.0.0.1:80"});
  ASSERT_EQ(last_.persists().size(), 1u);
  EXPECT_EQ(last_.persists()[0].durability, Durability::kSync);
  ASSERT_EQ(last_.persists()[0].batch.ops().size(), 1u);
  const WriteOp& put = last_.persists()[0].batch.ops()[0];
  EXPECT_EQ(put.column, Column::kKv);
  EXPECT_EQ(put.key, EncodeKey(kVips));
  auto stored = crdt::DecodeMap(put.value);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->value(), result->value);
  EXPECT_FALSE(stored->context().empty());
  auto delta = crdt::DecodeMap(result->delta);
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(delta->value(), result->value);  // the first update's delta is the whole value
  EXPECT_EQ(*store.Value(kVips), result->value);
}

TEST_F(KvStoreTest, AFailingOpChangesNothingAndCreatesNoKey) {
  KvStore& store = Open();
  auto result = Update(kVips, {ops::Add("s", "x"), ops::Remove("s", "missing")});
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(last_.persists().empty());
  EXPECT_EQ(store.Value(kVips).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store.Keys({})->empty());
  EXPECT_EQ(store.digest().Hash(0, 0), 0u);
}

TEST_F(KvStoreTest, CompareAndSetAbortsOnAnyOtherVersion) {
  KvStore& store = Open();
  ASSERT_TRUE(Update(kVips, {ops::Add("s", "a")}).ok());
  const RawValue read = *store.Raw(kVips);
  ASSERT_TRUE(Update(kVips, {ops::Add("s", "b")}).ok());
  auto stale = Update(kVips, {ops::Add("s", "c")}, read.version);
  EXPECT_EQ(stale.status().code(), StatusCode::kAborted);
  EXPECT_EQ(SetOf(*store.Value(kVips), "s"), (crdt::SetValue{"a", "b"}));
  auto fresh = Update(kVips, {ops::Add("s", "c")}, store.Raw(kVips)->version);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  // An absent key is at the empty version.
  EXPECT_TRUE(Update({"new"}, {ops::Enable("f")}, crdt::VersionVector()).ok());
  EXPECT_EQ(Update({"new2"}, {ops::Enable("f")}, read.version).status().code(),
            StatusCode::kAborted);
}

TEST_F(KvStoreTest, KeysListsKeysWithFieldsUnderAPrefixInOrder) {
  KvStore& store = Open();
  for (const KeyPath& key : std::vector<KeyPath>{{"b"}, {"a", "y"}, {"a", "x"}, {"ab"}}) {
    ASSERT_TRUE(Update(key, {ops::Enable("f")}).ok());
  }
  EXPECT_EQ(*store.Keys({"a"}), (std::vector<KeyPath>{{"a", "x"}, {"a", "y"}}));
  EXPECT_EQ(store.Keys({})->size(), 4u);
  EXPECT_EQ(store.Keys({""}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(KvStoreTest, DeleteRemovesWhatWasObservedAndKeepsTheContext) {
  KvStore& store = Open();
  ASSERT_TRUE(Update(kVips, {ops::Add("s", "a"), ops::Increment("c")}).ok());
  const RawValue observed = *store.Raw(kVips);
  ASSERT_TRUE(Update(kVips, {ops::Add("s", "b")}).ok());  // not observed by the deleter
  Effects out;
  auto deleted = store.Delete(At(++now_ms_), kVips, observed.version, out);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(SetOf(deleted->value, "s"), crdt::SetValue{"b"});
  EXPECT_EQ(deleted->value.Find("c", crdt::CrdtType::kCounter), nullptr);
  out.Clear();
  ASSERT_TRUE(store.Delete(At(++now_ms_), kVips, std::nullopt, out).ok());
  EXPECT_EQ(store.Value(kVips).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store.Keys({})->empty());
  // The tombstone keeps its context, so the key still takes part in anti-entropy.
  EXPECT_NE(store.digest().Hash(0, 0), 0u);
  EXPECT_EQ(store.Delete(At(++now_ms_), kVips, std::nullopt, out).status().code(),
            StatusCode::kNotFound);
}

TEST_F(KvStoreTest, BoundsAreClearErrors) {
  KvStoreConfig config;
  config.max_value_bytes = 200;
  KvStore& store = Open(config);
  EXPECT_EQ(Update({}, {ops::Enable("f")}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Update({std::string(300, 'k')}, {ops::Enable("f")}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Update(kVips, {}).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(Update(kVips, {ops::Add("s", "small")}).ok());
  auto big = Update(kVips, {ops::Add("s", std::string(300, 'x'))});
  EXPECT_EQ(big.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(big.status().message().find("at most 200"), std::string::npos);
  EXPECT_EQ(SetOf(*store.Value(kVips), "s"), crdt::SetValue{"small"});
}

TEST_F(KvStoreTest, ARestartKeepsKeysAndTheActorWhenWritesAreSynced) {
  Open();
  ASSERT_TRUE(Update(kVips, {ops::Add("s", "a")}).ok());
  const crdt::ActorId actor = store_->actor();
  const uint64_t root = store_->digest().Hash(0, 0);
  storage_.Crash();
  KvStore& again = Open();
  EXPECT_EQ(again.actor(), actor);
  EXPECT_EQ(SetOf(*again.Value(kVips), "s"), crdt::SetValue{"a"});
  EXPECT_EQ(again.digest().Hash(0, 0), root);
  auto next = Update(kVips, {ops::Add("s", "b")});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(SetOf(next->value, "s"), (crdt::SetValue{"a", "b"}));
}

TEST_F(KvStoreTest, LostDataBufferedWritesOrAnUnreadableKeyMeanANewActor) {
  Open();
  const crdt::ActorId first = store_->actor();
  storage_ = MemoryStorage();  // the directory was wiped
  Open();
  EXPECT_NE(store_->actor(), first);

  KvStoreConfig buffered;
  buffered.local_durability = Durability::kBuffered;
  Open(buffered);
  const crdt::ActorId second = store_->actor();
  Open(buffered);
  EXPECT_NE(store_->actor(), second);

  Open();
  const crdt::ActorId third = store_->actor();
  WriteBatch garbage;
  garbage.Put(Column::kKv, EncodeKey({"k"}), "not a map");
  ASSERT_TRUE(storage_.Apply(garbage, Durability::kSync).ok());
  KvStore& reopened = Open();
  EXPECT_NE(reopened.actor(), third);
  EXPECT_EQ(reopened.stats().load_failures, 1u);
}

TEST_F(KvStoreTest, JoinReportsChangesOnceAndIgnoresWhatItHas) {
  KvStore& store = Open();
  auto update = Update(kVips, {ops::Add("s", "a")});
  ASSERT_TRUE(update.ok());
  MemoryStorage other_storage;
  KvStore other(&other_storage, {});
  Effects out;
  other.Start(99, out);
  out.Clear();
  EXPECT_TRUE(other.Join(EncodeKey(kVips), *crdt::DecodeMap(update->delta), out));
  ASSERT_EQ(out.persists().size(), 1u);
  EXPECT_EQ(out.persists()[0].durability, Durability::kBuffered);
  out.Clear();
  EXPECT_FALSE(other.Join(EncodeKey(kVips), *crdt::DecodeMap(update->delta), out));
  EXPECT_TRUE(out.persists().empty());
  EXPECT_EQ(other.digest().Hash(0, 0), store.digest().Hash(0, 0));
  EXPECT_FALSE(other.Join(EncodeKey({"x"}), crdt::Map(), out));
  EXPECT_TRUE(other.entries().count(EncodeKey({"x"})) == 0);
}

TEST_F(KvStoreTest, SubscribersGetASnapshotThenEachChangeOnce) {
  KvStore& store = Open();
  ASSERT_TRUE(Update({"a", "1"}, {ops::Enable("f")}).ok());
  ASSERT_TRUE(Update({"b"}, {ops::Enable("f")}).ok());
  Effects out;
  const uint64_t id = *store.Subscribe({"a"}, out);
  ASSERT_EQ(out.events().size(), 1u);
  const auto& snapshot = std::get<KvChanged>(out.events()[0]);
  EXPECT_TRUE(snapshot.snapshot);
  EXPECT_EQ(snapshot.key, (KeyPath{"a", "1"}));
  EXPECT_EQ(snapshot.subscriptions, std::vector<uint64_t>{id});

  ASSERT_TRUE(Update({"a", "2"}, {ops::Add("s", "x")}).ok());
  ASSERT_EQ(last_.events().size(), 1u);
  const auto& change = std::get<KvChanged>(last_.events()[0]);
  EXPECT_FALSE(change.snapshot);
  EXPECT_EQ(change.key, (KeyPath{"a", "2"}));
  EXPECT_EQ(SetOf(change.value, "s"), crdt::SetValue{"x"});
  ASSERT_TRUE(Update({"b"}, {ops::Disable("f")}).ok());
  EXPECT_TRUE(last_.events().empty());
  store.Unsubscribe(id);
  ASSERT_TRUE(Update({"a", "2"}, {ops::Add("s", "y")}).ok());
  EXPECT_TRUE(last_.events().empty());
}

TEST_F(KvStoreTest, AnOpListThatChangesNothingWritesNothingAndCreatesNoKey) {
  KvStore& store = Open();
  auto result = Update({"k"}, {ops::RemoveField("f", crdt::CrdtType::kFlag, crdt::CausalContext())});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->changed);
  EXPECT_TRUE(last_.persists().empty());
  EXPECT_TRUE(store.entries().empty());
  EXPECT_EQ(store.digest().Hash(0, 0), 0u);
}

TEST_F(KvStoreTest, ADeletedKeyIsAtTheEmptyVersionForCompareAndSet) {
  KvStore& store = Open();
  ASSERT_TRUE(Update(kVips, {ops::Add("s", "a")}).ok());
  Effects out;
  ASSERT_TRUE(store.Delete(At(++now_ms_), kVips, std::nullopt, out).ok());
  EXPECT_EQ(store.Raw(kVips).status().code(), StatusCode::kNotFound);
  auto recreated = Update(kVips, {ops::Add("s", "b")}, crdt::VersionVector());
  ASSERT_TRUE(recreated.ok()) << recreated.status();
  EXPECT_EQ(SetOf(recreated->value, "s"), crdt::SetValue{"b"});
}

TEST_F(KvStoreTest, AKeyOverTheLimitMayShrinkButNotGrow) {
  KvStoreConfig config;
  config.max_value_bytes = 400;
  KvStore& store = Open(config);
  ASSERT_TRUE(Update(kVips, {ops::Add("s", std::string(150, 'a'))}).ok());
  // Concurrent growth elsewhere: a join takes the key over the limit.
  MemoryStorage other_storage;
  KvStore other(&other_storage, {});
  Effects out;
  other.Start(42, out);
  auto remote = other.Update(At(1), kVips, {ops::Add("s", std::string(300, 'b'))}, std::nullopt, out);
  ASSERT_TRUE(remote.ok());
  ASSERT_TRUE(store.Join(EncodeKey(kVips), *crdt::DecodeMap(remote->delta), out));
  EXPECT_GT(store.entries().at(EncodeKey(kVips)).state_bytes, 400u);
  EXPECT_EQ(Update(kVips, {ops::Add("s", "c")}).status().code(), StatusCode::kFailedPrecondition);
  auto shrunk = Update(kVips, {ops::Remove("s", std::string(300, 'b'))});
  ASSERT_TRUE(shrunk.ok()) << shrunk.status();
  EXPECT_EQ(SetOf(shrunk->value, "s"), crdt::SetValue{std::string(150, 'a')});
}

TEST_F(KvStoreTest, AnActorUsedWithUnsyncedWritesIsNeverTakenUpAgain) {
  KvStoreConfig buffered;
  buffered.local_durability = Durability::kBuffered;
  Open(buffered);
  const crdt::ActorId unsynced = store_->actor();
  EXPECT_FALSE(storage_.Get(Column::kMeta, kActorKey).has_value());
  Open();  // synced writes from now on: a fresh actor, not the unsynced one
  EXPECT_NE(store_->actor(), unsynced);
  const crdt::ActorId synced = store_->actor();
  Open();
  EXPECT_EQ(store_->actor(), synced);
}

}  // namespace
}  // namespace lashup::kv
