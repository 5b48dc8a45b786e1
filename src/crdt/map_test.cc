#include "lashup/crdt/map.h"

#include <gtest/gtest.h>

#include "crdt/random_map_ops.h"

namespace lashup::crdt {
namespace {

using ::lashup::crdt::ops::Add;
using ::lashup::crdt::ops::AddAll;
using ::lashup::crdt::ops::Assign;
using ::lashup::crdt::ops::Enable;
using ::lashup::crdt::ops::Increment;
using ::lashup::crdt::ops::Remove;
using ::lashup::crdt::ops::RemoveAll;
using ::lashup::crdt::ops::RemoveField;
using ::lashup::crdt::ops::Update;

constexpr ActorId kA{1};

class MapTest : public ::testing::Test {
 protected:
  Result<Map> Apply(Map& m, std::vector<MapOp> list) {
    return m.Apply(list, ApplyOptions{kA, &clock_, WallTimeFromNanos(1000)});
  }
  HybridClock clock_;
};

TEST_F(MapTest, EveryFieldTypeReadsBack) {
  Map m;
  ASSERT_TRUE(Apply(m, {AddAll("backends", {"10.0.0.2:80", "10.0.0.1:80"}), Increment("hits", 3),
                        Enable("healthy"), Assign("owner", "node-1", 42),
                        Update("meta", {Assign("zone", "eu-1"), Increment("gen")})})
                  .ok());
  const MapValue v = m.value();
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(*v.Find("backends", CrdtType::kOrSet)->AsSet(),
            (SetValue{"10.0.0.1:80", "10.0.0.2:80"}));
  EXPECT_EQ(*v.Find("hits", CrdtType::kCounter)->AsCounter(), 3);
  EXPECT_TRUE(*v.Find("healthy", CrdtType::kFlag)->AsFlag());
  EXPECT_EQ(*v.Find("owner", CrdtType::kRegister)->AsRegister(), (RegisterValue{"node-1", 42}));
  const MapValue* meta = v.Find("meta", CrdtType::kMap)->AsMap();
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->Find("zone", CrdtType::kRegister)->AsRegister()->value, "eu-1");
  EXPECT_EQ(meta->Find("zone", CrdtType::kRegister)->AsRegister()->timestamp, 1000);
  EXPECT_EQ(v.Find("hits", CrdtType::kOrSet), nullptr);  // (name, type) names a field
  EXPECT_EQ(ToString(*meta), "{\"gen\":counter=1, \"zone\":register=\"eu-1\"@1000}");
}

TEST_F(MapTest, AFailingOpChangesNothingAndIsNamed) {
  Map m;
  ASSERT_TRUE(Apply(m, {AddAll("s", {"a", "b"}), Increment("c", 1)}).ok());
  const Map before = m;
  auto r = Apply(m, {Add("s", "c"), Increment("c", 5), Remove("s", "zzz"), Remove("s", "a")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(),
            "op 2 (remove \"zzz\" from orset \"s\"): element \"zzz\" is not present");
  EXPECT_EQ(m, before);  // store and context: the add, the increment and their dots are undone
}

TEST_F(MapTest, NestedFailuresNameThePath) {
  Map m;
  ASSERT_TRUE(Apply(m, {Update("vip", {Add("backends", "x")})}).ok());
  const Map before = m;
  auto r = Apply(m, {Update("vip", {Add("backends", "y"), RemoveField("gone", CrdtType::kFlag)})});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "op 0 (update map \"vip\" with 2 ops): op 1 (remove field flag \"gone\"): field is "
            "not present");
  EXPECT_EQ(m, before);
}

TEST_F(MapTest, RemoveAllIsAtomic) {
  Map m;
  ASSERT_TRUE(Apply(m, {AddAll("s", {"a", "b"})}).ok());
  EXPECT_FALSE(Apply(m, {RemoveAll("s", {"a", "nope"})}).ok());
  EXPECT_EQ(*m.value().Find("s", CrdtType::kOrSet)->AsSet(), (SetValue{"a", "b"}));
}

TEST_F(MapTest, InvalidListsAreRejectedBeforeAnythingChanges) {
  Map m;
  EXPECT_EQ(Apply(m, {}).status().code(), StatusCode::kInvalidArgument);
  MapOp wrong_type{UpdateField{{"s", CrdtType::kCounter}, SetAdd{{"x"}}}};
  auto r = Apply(m, {Increment("ok"), wrong_type});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("op 1"), std::string::npos) << r.status();
  EXPECT_EQ(Apply(m, {AddAll("s", {})}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Apply(m, {Update("m", {})}).status().code(), StatusCode::kInvalidArgument);
  auto no_clock = m.Apply({Assign("r", "v")}, ApplyOptions{kA});
  EXPECT_EQ(no_clock.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(m.IsBottom());
}

TEST_F(MapTest, NestingIsBoundedAtSixteen) {
  auto nest = [](int depth) {
    MapOp op = Increment("leaf");
    for (int i = 1; i < depth; ++i) op = Update("m", {op});
    return op;
  };
  Map m;
  EXPECT_TRUE(Apply(m, {nest(kMaxNesting)}).ok());
  auto deep = Apply(m, {nest(kMaxNesting + 1)});
  EXPECT_EQ(deep.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(MapTest, FieldsHoldingNothingDisappear) {
  Map m;
  ASSERT_TRUE(Apply(m, {Add("s", "a"), Enable("f"), Update("n", {Add("t", "x")})}).ok());
  ASSERT_TRUE(
      Apply(m, {Remove("s", "a"), ops::Disable("f"), Update("n", {Remove("t", "x")})}).ok());
  EXPECT_TRUE(m.empty());
  // So removing them is removing something absent.
  EXPECT_FALSE(Apply(m, {RemoveField("s", CrdtType::kOrSet)}).ok());
}

TEST_F(MapTest, AddThenRemoveInOneListShipsNoElement) {
  Map m;
  auto delta = Apply(m, {Add("s", "a"), Add("s", "b"), Remove("s", "a")});
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(delta->value(), m.value());
  Map replica;
  replica.Join(*delta);
  EXPECT_EQ(replica, m);
}

TEST_F(MapTest, RemovesWithSeenNeverFail) {
  Map m;
  const CausalContext nothing;
  auto r = Apply(m, {Remove("s", "a", nothing), RemoveField("f", CrdtType::kFlag, nothing)});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->IsBottom());
}

TEST_F(MapTest, RegisterAssignWithAnOlderTimestampIsANoOp) {
  Map m;
  ASSERT_TRUE(Apply(m, {Assign("r", "new", 100)}).ok());
  auto d = Apply(m, {Assign("r", "old", 50)});
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->IsBottom());
  EXPECT_EQ(m.value().Find("r", CrdtType::kRegister)->AsRegister()->value, "new");
}

TEST_F(MapTest, AClockStampedAssignThatCannotWinFailsTheList) {
  Map m;
  ASSERT_TRUE(Apply(m, {Assign("r", "zzz", INT64_MAX)}).ok());
  const Map before = m;
  auto r = Apply(m, {Increment("c"), Assign("r", "aaa")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(m, before);
  // With an explicit, older timestamp losing is the LWW rule: a no-op, not an error.
  EXPECT_TRUE(Apply(m, {Assign("r", "aaa", 5)}).ok());
}

TEST_F(MapTest, RemoveFieldOfAnUnknownTypeIsInvalid) {
  Map m;
  auto r = Apply(m, {RemoveField("x", static_cast<CrdtType>(9), CausalContext())});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(MapTest, FromPartsChecksFieldTypes) {
  Map m;
  ASSERT_TRUE(Apply(m, {Increment("c")}).ok());
  MapStore bad = m.store();
  auto node = bad.fields.extract(bad.fields.begin());
  node.key().type = CrdtType::kOrSet;  // declared a set, holds a counter
  bad.fields.insert(std::move(node));
  auto r = Map::FromParts(bad, m.context());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("declared orset but holds counter"), std::string::npos);
  EXPECT_TRUE(Map::FromParts(m.store(), m.context()).ok());
}

// A list that fails anywhere, at any depth, after any mix of changes (fields created, emptied,
// removed and re-created, elements added and removed) leaves store and context exactly as they
// were.
TEST(MapRollback, AFailedListIsUndoneExactly) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    RandomOps gen(seed);
    HybridClock clock;
    Map m;
    for (int step = 0; step < 60; ++step) {
      const ApplyOptions options{ActorId(7), &clock, WallTimeFromNanos(step)};
      std::vector<MapOp> list = gen.Next();
      if (gen.Pick(0, 1)) list = WithoutSeen(std::move(list));  // may fail on its own
      std::vector<MapOp> failing = list;
      failing.insert(failing.begin() + gen.Pick(0, static_cast<int>(list.size())), gen.Failing());
      const Map before = m;
      auto r = m.Apply(failing, options);
      ASSERT_FALSE(r.ok()) << "seed " << seed << " step " << step;
      ASSERT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
      ASSERT_EQ(m, before) << "seed " << seed << " step " << step << ": " << r.status();
      const Map before_list = m;
      auto applied = m.Apply(list, options);  // may fail: then it too must change nothing
      if (!applied.ok()) {
        ASSERT_EQ(m, before_list);
      }
      ASSERT_TRUE(Map::FromParts(m.store(), m.context()).ok());
    }
    EXPECT_FALSE(m.empty()) << "seed " << seed << " never built anything to undo";
  }
}

}  // namespace
}  // namespace lashup::crdt
