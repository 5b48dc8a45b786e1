#include "lashup/crdt/lww_register.h"

#include <gtest/gtest.h>

namespace lashup::crdt {
namespace {

constexpr ActorId kA{1}, kB{2};

WallTime At(int64_t ns) { return WallTimeFromNanos(ns); }

TEST(LwwRegister, GreatestTimestampWins) {
  LwwRegister r;
  EXPECT_FALSE(r.value().has_value());
  r.Assign(kA, "one", 10);
  r.Assign(kA, "two", 20);
  EXPECT_EQ(r.value(), (RegisterValue{"two", 20}));
  LwwRegister stale = r.Assign(kA, "old", 15);  // older: ignored, as in riak_dt
  EXPECT_TRUE(stale.IsBottom());
  EXPECT_EQ(r.value()->value, "two");
}

TEST(LwwRegister, EqualTimestampsBreakTiesByValueEverywhere) {
  LwwRegister a, b;
  LwwRegister da = a.Assign(kA, "apple", 5);
  LwwRegister db = b.Assign(kB, "banana", 5);
  a.Join(db);
  b.Join(da);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.value()->value, "banana");
  // Both concurrent entries are kept until someone overwrites them.
  EXPECT_EQ(a.store().entries.size(), 2u);
  LwwRegister over = a.Assign(kA, "cherry", 6);
  b.Join(over);
  EXPECT_EQ(b.store().entries.size(), 1u);
  EXPECT_EQ(b.value()->value, "cherry");
}

TEST(LwwRegister, AssignNowAlwaysWinsLocallyEvenWithAClockBehind) {
  HybridClock clock;
  LwwRegister r;
  r.Assign(kB, "future", 1'000'000);
  ASSERT_TRUE(r.AssignNow(kA, "now", clock, At(500)).ok());  // our clock is behind the register
  EXPECT_EQ(r.value()->value, "now");
  EXPECT_EQ(r.value()->timestamp, 1'000'001);
}

TEST(LwwRegister, AssignNowFailsLoudlyAgainstAPinnedMaximum) {
  HybridClock clock;
  LwwRegister r;
  r.Assign(kB, "zzz", INT64_MAX);  // a peer pinned the register
  auto d = r.AssignNow(kA, "aaa", clock, At(1));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(r.value()->value, "zzz");
}

TEST(HybridClock, NeverRunsBackwardsAndFollowsObservedTimestamps) {
  HybridClock clock;
  EXPECT_EQ(clock.Next(At(100)), 100);
  EXPECT_EQ(clock.Next(At(100)), 101);
  EXPECT_EQ(clock.Next(At(50)), 102);  // the wall clock stepped back
  clock.Observe(1000);
  EXPECT_EQ(clock.Next(At(200)), 1001);
  EXPECT_EQ(clock.Next(At(5000)), 5000);
  EXPECT_EQ(clock.Next(At(0), 9000), 9000);
}

}  // namespace
}  // namespace lashup::crdt
