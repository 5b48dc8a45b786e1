#include "lashup/crdt/orset.h"

#include <gtest/gtest.h>

namespace lashup::crdt {
namespace {

constexpr ActorId kA{1}, kB{2};

TEST(OrSet, AddRemoveAndValue) {
  OrSet s;
  s.Add(kA, "x");
  s.AddAll(kA, {"z", "y", "z"});
  EXPECT_EQ(s.value(), (SetValue{"x", "y", "z"}));
  ASSERT_TRUE(s.Remove("y").ok());
  EXPECT_EQ(s.value(), (SetValue{"x", "z"}));
  EXPECT_TRUE(s.Contains("x"));
  EXPECT_FALSE(s.Contains("y"));
  EXPECT_EQ(s.size(), 2u);
}

TEST(OrSet, RemovingAnAbsentElementFailsAndChangesNothing) {
  OrSet s;
  s.AddAll(kA, {"a", "b"});
  const OrSet before = s;
  auto r = s.Remove("nope");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("\"nope\""), std::string::npos);
  auto all = s.RemoveAll({"a", "nope"});
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(s, before);  // remove-all is atomic: "a" is still there
}

TEST(OrSet, ReAddReplacesTheOldDotSoOneRemoveSuffices) {
  OrSet s;
  s.Add(kA, "x");
  s.Add(kA, "x");
  ASSERT_TRUE(s.store().entries.contains("x"));
  EXPECT_EQ(s.store().entries.find("x")->second.size(), 1u);
  ASSERT_TRUE(s.Remove("x").ok());
  EXPECT_TRUE(s.value().empty());
}

TEST(OrSet, ConcurrentAddWinsOverRemove) {
  OrSet a;
  a.Add(kA, "x");
  OrSet b = a;                       // b has seen the first add
  ASSERT_TRUE(b.Remove("x").ok());   // b removes what it saw
  OrSet add_again = a.Add(kA, "x");  // a concurrently re-adds
  b.Join(a);
  a.Join(b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.value(), (SetValue{"x"}));
}

TEST(OrSet, RemoveAfterSeeingTheAddRemovesEverywhere) {
  OrSet a, b;
  OrSet add = a.Add(kA, "x");
  b.Join(add);
  auto remove = b.Remove("x");
  ASSERT_TRUE(remove.ok());
  a.Join(*remove);
  EXPECT_TRUE(a.value().empty());
  EXPECT_TRUE(a.context().Contains(Dot{kA, 1}));  // no tombstone, only the context remembers
  EXPECT_TRUE(a.store().entries.empty());
}

TEST(OrSet, RemoveSeenTakesOnlyWhatTheCallerSaw) {
  OrSet a, b;
  b.Join(a.Add(kA, "x"));
  const CausalContext seen = a.context();
  a.Join(b.Add(kB, "x"));  // a concurrent add by b arrives after the read
  OrSet delta = a.RemoveSeen({"x", "never-there"}, seen);
  EXPECT_EQ(a.value(), (SetValue{"x"}));  // b's add survives
  b.Join(delta);
  EXPECT_EQ(b.value(), (SetValue{"x"}));
  ASSERT_TRUE(b.store().entries.contains("x"));
  EXPECT_EQ(b.store().entries.find("x")->second, (DotList{Dot{kB, 1}}));
}

TEST(OrSet, DeltasAreSmallAndJoinToTheSameState) {
  OrSet a;
  for (int i = 0; i < 1000; ++i) a.Add(kA, "e" + std::to_string(i));
  OrSet copy = a;
  OrSet delta = a.Add(kA, "new");
  EXPECT_EQ(delta.size(), 1u);
  EXPECT_TRUE(delta.context().compact().empty());  // only the new dot, in the cloud
  copy.Join(delta);
  EXPECT_EQ(copy, a);
  OrSet again = a;
  again.Join(delta);
  EXPECT_EQ(again, a);
}

TEST(OrSet, FromPartsRejectsBrokenInvariants) {
  CausalContext ctx;
  ctx.Add(Dot{kA, 1});
  OrSetStore dot_outside;
  dot_outside.entries["x"] = {Dot{kA, 2}};
  EXPECT_FALSE(OrSet::FromParts(dot_outside, ctx).ok());
  OrSetStore empty_entry;
  empty_entry.entries["x"] = {};
  EXPECT_FALSE(OrSet::FromParts(empty_entry, ctx).ok());
  OrSetStore duplicate;
  duplicate.entries["x"] = {Dot{kA, 1}};
  duplicate.entries["y"] = {Dot{kA, 1}};
  EXPECT_FALSE(OrSet::FromParts(duplicate, ctx).ok());
  OrSetStore good;
  good.entries["x"] = {Dot{kA, 1}};
  EXPECT_TRUE(OrSet::FromParts(good, ctx).ok());
}

}  // namespace
}  // namespace lashup::crdt
