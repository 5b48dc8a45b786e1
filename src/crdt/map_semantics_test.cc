// The documented remove-versus-update rules of maps (docs/crdt.md), one test per rule.
#include <gtest/gtest.h>

#include "lashup/crdt/map.h"

namespace lashup::crdt {
namespace {

using ::lashup::crdt::ops::Add;
using ::lashup::crdt::ops::Assign;
using ::lashup::crdt::ops::Enable;
using ::lashup::crdt::ops::Increment;
using ::lashup::crdt::ops::RemoveField;
using ::lashup::crdt::ops::Update;

constexpr ActorId kA{1}, kB{2};

// Two replicas that start from a common state.
class Replicas : public ::testing::Test {
 protected:
  Map Apply(Map& m, ActorId actor, std::vector<MapOp> list) {
    auto delta = m.Apply(list, ApplyOptions{actor, &clock_, WallTimeFromNanos(1)});
    EXPECT_TRUE(delta.ok()) << delta.status();
    return delta.ok() ? *delta : Map();
  }
  void Setup(std::vector<MapOp> list) {
    Apply(a_, kA, std::move(list));
    b_ = a_;
  }
  void Sync() {
    Map a = a_;
    a_.Join(b_);
    b_.Join(a);
    ASSERT_EQ(a_, b_);
  }
  HybridClock clock_;
  Map a_, b_;
};

TEST_F(Replicas, ConcurrentSetUpdateBeatsRemoveKeepingOnlyTheConcurrentElements) {
  Setup({Add("s", "old")});
  Apply(a_, kA, {RemoveField("s", CrdtType::kOrSet)});
  Apply(b_, kB, {Add("s", "new")});
  Sync();
  EXPECT_EQ(*a_.value().Find("s", CrdtType::kOrSet)->AsSet(), (SetValue{"new"}));
}

TEST_F(Replicas, ConcurrentCounterUpdateKeepsTheWritersWholeContribution) {
  // The documented anomaly (as in riak_dt and Akka): b's entry carries b's cumulative total, so
  // b's increments from before the remove come back; a's are gone.
  Setup({Increment("c", 10)});
  Apply(b_, kB, {Increment("c", 5)});
  Sync();  // a:10 and b:5 both seen by a
  Apply(a_, kA, {RemoveField("c", CrdtType::kCounter)});
  Apply(b_, kB, {Increment("c", 1)});
  Sync();
  EXPECT_EQ(*a_.value().Find("c", CrdtType::kCounter)->AsCounter(), 6);
}

TEST_F(Replicas, ConcurrentRegisterAssignBeatsRemove) {
  Setup({Assign("r", "v1", 10)});
  Apply(a_, kA, {RemoveField("r", CrdtType::kRegister)});
  Apply(b_, kB, {Assign("r", "v2", 20)});
  Sync();
  EXPECT_EQ(a_.value().Find("r", CrdtType::kRegister)->AsRegister()->value, "v2");
}

TEST_F(Replicas, ConcurrentFlagEnableBeatsRemove) {
  Setup({Enable("f")});
  Apply(a_, kA, {RemoveField("f", CrdtType::kFlag)});
  Apply(b_, kB, {Enable("f")});
  Sync();
  EXPECT_TRUE(*a_.value().Find("f", CrdtType::kFlag)->AsFlag());
}

TEST_F(Replicas, ConcurrentNestedUpdateKeepsOnlyTheNestedConcurrentPart) {
  Setup({Update("vip", {Add("backends", "b1"), Assign("owner", "x", 1)})});
  Apply(a_, kA, {RemoveField("vip", CrdtType::kMap)});
  Apply(b_, kB, {Update("vip", {Add("backends", "b2")})});
  Sync();
  const MapValue value = a_.value();
  const MapValue* vip = value.Find("vip", CrdtType::kMap)->AsMap();
  ASSERT_NE(vip, nullptr);
  EXPECT_EQ(*vip->Find("backends", CrdtType::kOrSet)->AsSet(), (SetValue{"b2"}));
  EXPECT_EQ(vip->Find("owner", CrdtType::kRegister), nullptr);
}

TEST_F(Replicas, RemoveAfterSeeingTheUpdateRemovesEverywhere) {
  Setup({Add("s", "x")});
  Map update = Apply(b_, kB, {Add("s", "y"), Increment("c")});
  a_.Join(update);
  Apply(a_, kA, {RemoveField("s", CrdtType::kOrSet), RemoveField("c", CrdtType::kCounter)});
  Sync();
  EXPECT_TRUE(a_.empty());
}

TEST_F(Replicas, ReAddingARemovedFieldStartsFromEmpty) {
  Setup({Increment("c", 7), Add("s", "old")});
  Apply(a_, kA, {RemoveField("c", CrdtType::kCounter), RemoveField("s", CrdtType::kOrSet)});
  Apply(a_, kA, {Increment("c", 1), Add("s", "new")});
  Sync();
  EXPECT_EQ(*a_.value().Find("c", CrdtType::kCounter)->AsCounter(), 1);
  EXPECT_EQ(*a_.value().Find("s", CrdtType::kOrSet)->AsSet(), (SetValue{"new"}));
}

TEST_F(Replicas, RemoveFieldWithSeenSparesUpdatesTheCallerDidNotSee) {
  Setup({Add("s", "x")});
  const CausalContext seen = a_.context();
  a_.Join(Apply(b_, kB, {Add("s", "y")}));
  Apply(a_, kA, {RemoveField("s", CrdtType::kOrSet, seen)});
  EXPECT_EQ(*a_.value().Find("s", CrdtType::kOrSet)->AsSet(), (SetValue{"y"}));
}

}  // namespace
}  // namespace lashup::crdt
